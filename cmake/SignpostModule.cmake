# signpost_module(NAME SOURCES src... [PUBLIC deps...] [PRIVATE deps...])
#
# One static library per module directory (common, router, storage, app,
# transport, ...). Every module includes from the project root
# ("storage/store.h"), and its link dependencies state the direction the
# code may depend in (README "Start here"; scripts/check_deps.sh checks
# the #include lines as well).
function(signpost_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  add_library(${name} STATIC ${M_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${M_PUBLIC} PRIVATE ${M_PRIVATE})
endfunction()
