# Writes OUTPUT from TEMPLATE with the project VERSION and the source revision of SOURCE_DIR
# (harness/build_info.h). Run with `cmake -P` by the paysim_revision target at every build, so the
# revision is that of the sources being compiled, not of the last configure; configure_file leaves
# OUTPUT untouched when its text is unchanged, so an unchanged revision recompiles nothing.
# REVISION, when not empty, is used instead of git's (a build outside a checkout).
if(NOT REVISION)
  execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE failed ERROR_QUIET)
  if(failed OR NOT REVISION)
    set(REVISION unknown)
  else()
    # --no-optional-locks: a build must never hold the index lock a concurrent `git` wants.
    execute_process(COMMAND git --no-optional-locks -C "${SOURCE_DIR}" status --porcelain
                            --untracked-files=no
                    OUTPUT_VARIABLE changes ERROR_QUIET)
    if(changes)
      string(APPEND REVISION "-dirty")
    endif()
  endif()
endif()
set(PAYSIM_VERSION "${VERSION}")
set(PAYSIM_REVISION "${REVISION}")
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
