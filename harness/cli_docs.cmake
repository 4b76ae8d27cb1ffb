# Writes what the paysim binary PAYSIM generates from its command definitions into OUT: the man
# page and the bash, zsh and fish completions (harness/cli_docs.h), and the man page compressed as
# Debian installs it (paysim.1.gz: gzip -9n, no name or time stamp, so the same page gives the same
# bytes). Run by the paysim_cli_docs target of CMakeLists.txt, whose files the install target and
# the .deb install.
file(MAKE_DIRECTORY "${OUT}")
foreach(pair "paysim.1;man" "paysim.bash;completions;bash" "_paysim;completions;zsh"
             "paysim.fish;completions;fish")
  list(POP_FRONT pair file)
  execute_process(COMMAND "${PAYSIM}" ${pair} OUTPUT_FILE "${OUT}/${file}.tmp"
                  RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${PAYSIM} ${pair} failed: ${failed}")
  endif()
  file(RENAME "${OUT}/${file}.tmp" "${OUT}/${file}")
endforeach()
execute_process(COMMAND gzip -9n -c "${OUT}/paysim.1" OUTPUT_FILE "${OUT}/paysim.1.gz.tmp"
                RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "gzip ${OUT}/paysim.1 failed: ${failed}")
endif()
file(RENAME "${OUT}/paysim.1.gz.tmp" "${OUT}/paysim.1.gz")
