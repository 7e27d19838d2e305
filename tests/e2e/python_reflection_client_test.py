#!/usr/bin/python3
"""An outside gRPC client (Debian's python3-grpcio) that knows nothing of
Signpost's .proto files: it discovers the API through server reflection and
then submits, gets, lists, retries idempotently and provokes a validation
error. Only the standard reflection and health protos (from Debian's
grpc-proto package) are compiled here.

usage: python_reflection_client_test.py SERVER_BINARY RULES_FILE
Exits 0 on success; prints each check. Must run with /usr/bin/python3 so
that Debian's grpc modules are importable.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf import message_factory
from grpc_tools import protoc

GRPC_PROTO = "/usr/share/grpc-proto"
CHECKS = 0


def check(condition, what):
    global CHECKS
    if not condition:
        print(f"FAIL: {what}")
        sys.exit(1)
    CHECKS += 1
    print(f"ok: {what}")


def compile_standard_protos(out_dir):
    """Generates Python modules for the standard reflection and health protos.

    They are copied under a private directory name first: their natural module
    path (grpc/...) would collide with the installed grpc package. The proto
    package (and so the RPC paths) is unchanged."""
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    src = os.path.join(out_dir, "src", "sp_std")
    os.makedirs(src)
    for proto in ("grpc/reflection/v1alpha/reflection.proto", "grpc/health/v1/health.proto"):
        with open(os.path.join(GRPC_PROTO, proto)) as f:
            text = f.read()
        name = os.path.basename(proto)
        with open(os.path.join(src, name), "w") as f:
            f.write(text)
        rc = protoc.main(["protoc", f"-I{os.path.join(out_dir, 'src')}", f"-I{include}",
                          f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
                          f"sp_std/{name}"])
        if rc != 0:
            sys.exit(f"protoc failed for {proto}")
    sys.path.insert(0, out_dir)


def dev_issuer(cli, data_dir):
    """A development-issuer key, and a token holding every role."""
    key = os.path.join(data_dir, "dev-issuer.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", key], check=True, capture_output=True)
    roles = ("referrer_system,call_hub,duty_clinician,case_manager,team_lead,partner_staff,"
             "commissioner,directory_admin,clinical_safety_officer,auditor")
    token = subprocess.run([cli, "token", "mint", f"--key={key}", "--sub=py-client",
                            "--org=RV5", f"--roles={roles}"],
                           check=True, capture_output=True, text=True).stdout.strip()
    return key, token


def start_server(binary, rules, data_dir, key):
    port_file = os.path.join(data_dir, "port")
    proc = subprocess.Popen([binary, f"--data_dir={data_dir}/db", "--listen=127.0.0.1:0",
                             f"--rules={rules}",
                             f"--port_file={port_file}", "--log_level=warn",
                             "--shutdown_grace_ms=300", "--environment=development",
                             f"--dev_issuer_key={key}"])
    deadline = time.time() + 20
    while time.time() < deadline:
        if os.path.exists(port_file):
            with open(port_file) as f:
                text = f.read().strip()
            if text:
                return proc, int(text)
        if proc.poll() is not None:
            sys.exit("server exited early")
        time.sleep(0.01)
    proc.kill()
    sys.exit("server did not start")


def reflect(channel, reflection_pb2, reflection_pb2_grpc):
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)

    def ask(**kwargs):
        responses = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(**kwargs)]))
        return next(responses)

    services = [s.name for s in ask(list_services="").list_services_response.service]
    pool = descriptor_pool.DescriptorPool()
    seen = set()

    def add(fd):
        """Adds a file after all of its dependencies (fetched by name)."""
        if fd.name in seen:
            return
        seen.add(fd.name)
        for dep in fd.dependency:
            if dep in seen:
                continue
            for raw in ask(file_by_filename=dep).file_descriptor_response.file_descriptor_proto:
                dep_fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
                if dep_fd.name == dep:
                    add(dep_fd)
        pool.Add(fd)

    def add_file_containing(symbol):
        response = ask(file_containing_symbol=symbol)
        for raw in response.file_descriptor_response.file_descriptor_proto:
            add(descriptor_pb2.FileDescriptorProto.FromString(raw))

    add_file_containing("signpost.v1.ReferralService")
    add_file_containing("signpost.v1.CaseService")
    return services, pool


def main():
    binary, rules, cli = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as tmp:
        compile_standard_protos(os.path.join(tmp, "gen"))
        from sp_std import reflection_pb2, reflection_pb2_grpc  # noqa: E402
        from sp_std import health_pb2, health_pb2_grpc  # noqa: E402

        key, token = dev_issuer(cli, tmp)
        auth = [("authorization", f"Bearer {token}")]
        proc, port = start_server(binary, rules, tmp, key)
        try:
            channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(channel).result(timeout=10)

            services, pool = reflect(channel, reflection_pb2, reflection_pb2_grpc)
            check("signpost.v1.ReferralService" in services,
                  f"reflection lists signpost.v1.ReferralService (services: {services})")

            health = health_pb2_grpc.HealthStub(channel)
            for name in ("", "signpost.v1.ReferralService"):
                status = health.Check(health_pb2.HealthCheckRequest(service=name)).status
                check(status == health_pb2.HealthCheckResponse.SERVING,
                      f"health for '{name}' is SERVING")

            factory = message_factory.MessageFactory(pool)

            def rpc(method_name, service="signpost.v1.ReferralService"):
                m = pool.FindServiceByName(service).FindMethodByName(method_name)
                req_cls = factory.GetPrototype(m.input_type)
                resp_cls = factory.GetPrototype(m.output_type)
                call = channel.unary_unary(f"/{service}/{method_name}",
                                           request_serializer=req_cls.SerializeToString,
                                           response_deserializer=resp_cls.FromString)
                return req_cls, lambda req, timeout: call(req, timeout=timeout, metadata=auth)

            # Without credentials, nothing is disclosed.
            anon = channel.unary_unary("/signpost.v1.ReferralService/ListReferrals",
                                       request_serializer=lambda m: b"",
                                       response_deserializer=lambda b: b)
            try:
                anon(b"", timeout=10)
                check(False, "a call without credentials is refused")
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.UNAUTHENTICATED,
                      f"a call without credentials is UNAUTHENTICATED ({e.code()})")

            submit_cls, submit = rpc("SubmitReferral")
            referral_json = {
                "request_id": "py-reflect-1",
                "submission": {
                    "channel": "SOURCE_CHANNEL_SOCIAL_CARE",
                    "referrer": {"ods_code": "RV5", "organisation_name": "Adult Social Care",
                                 "email": "duty.team@example.gov.uk"},
                    "person": {"nhs_number": "943 476 5919", "given_name": "Jo",
                               "family_name": "Example",
                               "date_of_birth": {"year": 1961, "month": 2, "day": 3},
                               "postcode": "BA1 1AA"},
                    "story": "Isolated since bereavement; carer reports not eating well.",
                    "presenting_needs": ["PRESENTING_NEED_BEREAVEMENT",
                                         "PRESENTING_NEED_SOCIAL_ISOLATION"],
                },
            }
            request = json_format.ParseDict(referral_json, submit_cls())
            first = submit(request, timeout=10)
            statuses = pool.FindEnumTypeByName("signpost.v1.ReferralStatus").values_by_name
            # Risk indicators are not recorded in this referral, so triage
            # must ask for clinician review.
            check(first.referral.status == statuses["REFERRAL_STATUS_NEEDS_REVIEW"].number,
                  f"submit acknowledged referral {first.referral.referral_id}, triaged NEEDS_REVIEW")
            check(first.referral.triage.band != 0 and first.referral.triage.rule_set_version,
                  f"the stored decision has a band and rule-set version "
                  f"({first.referral.triage.rule_set_version})")
            check(first.referral.submission.person.nhs_number == "9434765919",
                  "NHS number stored canonically as 10 digits")

            again = submit(request, timeout=10)
            check(again.idempotent_replay and again.referral.referral_id == first.referral.referral_id,
                  "retry with the same request_id replays the original referral")

            get_cls, get = rpc("GetReferral")
            got = get(get_cls(referral_id=first.referral.reference), timeout=10)
            check(got.referral_id == first.referral.referral_id,
                  f"get by human reference {first.referral.reference}")

            list_cls, list_call = rpc("ListReferrals")
            listed = list_call(list_cls(referrer_ods_code="RV5"), timeout=10)
            check([r.referral_id for r in listed.referrals] == [first.referral.referral_id],
                  "list by referrer finds exactly the one referral")

            # The case side, discovered the same way: one person record,
            # found by NHS number, holding the referral.
            check("signpost.v1.CaseService" in services, "reflection lists signpost.v1.CaseService")
            person_cls, get_person = rpc("GetPerson", "signpost.v1.CaseService")
            person = get_person(person_cls(person_id="943 476 5919"), timeout=10)
            check(list(person.referral_ids) == [first.referral.referral_id]
                  and person.person.person_id == first.referral.person_id,
                  f"CaseService.GetPerson by NHS number finds person {person.person.person_id}")
            accept_cls, accept = rpc("AcceptReferral", "signpost.v1.CaseService")
            try:
                accept(json_format.ParseDict({"referral_id": first.referral.reference,
                                              "by": {"id": "py-client"}}, accept_cls()),
                       timeout=10)
                check(False, "accepting a referral awaiting clinician review must be refused")
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.FAILED_PRECONDITION,
                      f"illegal transition gives FAILED_PRECONDITION ({e.code()})")

            bad = json.loads(json.dumps(referral_json))
            bad["request_id"] = "py-reflect-bad"
            bad["submission"]["person"]["nhs_number"] = "943 476 5918"
            try:
                submit(json_format.ParseDict(bad, submit_cls()), timeout=10)
                check(False, "bad NHS number must be rejected")
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.INVALID_ARGUMENT,
                      f"bad NHS number gives INVALID_ARGUMENT ({e.code()})")
                check("submission.person.nhs_number" in e.details(),
                      f"error names the field: {e.details()}")
        finally:
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(timeout=20)
            check(rc == 0, "server exits 0 on SIGTERM")
    print(f"{CHECKS} passed, 0 failed")


if __name__ == "__main__":
    main()
