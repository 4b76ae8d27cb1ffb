# Writes what the paysim binary PAYSIM generates from its command definitions into OUT: the man
# page and the bash, zsh and fish completions (harness/cli_docs.h). Run by the paysim_cli_docs
# target of CMakeLists.txt, whose files the install target installs.
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
