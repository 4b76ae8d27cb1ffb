# The Debian package: CPack's DEB generator over the install rules of CMakeLists.txt, so the .deb
# holds exactly what `cmake --install` installs, under /usr: bin/paysim, share/paysim/schema/,
# share/paysim/scenarios/, share/man/man1/paysim.1.gz and the bash, zsh and fish completions in
# the directories Debian's shells read. scripts/package.sh builds it; tests/package/ installs it.
#
# Depends is computed by dpkg-shlibdeps from the shared libraries the binary links (libc6,
# libstdc++6, libfmt9, libyaml-cpp0.7, libssl3, libsqlite3-0 on Debian 12), so it follows the
# build instead of a list kept by hand; scripts/deps.sh installs dpkg-dev and file, which it needs.
set(PAYSIM_PACKAGE_MAINTAINER "paysim developers <paysim@paysim.invalid>"
    CACHE STRING "The Maintainer field of the .deb (Name <address>)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME paysim)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${PAYSIM_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "payment-flow simulator and chaos test harness")
# The extended description: CPack indents each line and writes an empty one as " .". Lines stay
# under 80 columns, as Debian's policy asks.
set(CPACK_PACKAGE_DESCRIPTION
    "paysim drives a whole payment pipeline (client, payment service, channel,
wallet, callback, order service) through a deterministic discrete-event
simulation against mock channels that drop, delay, duplicate and reorder
callbacks, double-charge, fail queries and go down. For each YAML scenario
it measures dropped orders, duplicate payments, latency and cost.

It validates a compensation strategy before it is built, gates CI on a
scenario library (paysim check --junit) and compares designs on identical
traffic (paysim compare, paysim sweep). The package holds the paysim
binary, its scenario library and JSON Schemas in /usr/share/paysim, the
paysim(1) man page and bash, zsh and fish completions.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # paysim_VERSION-RELEASE_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PAYSIM_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Directories such as /usr/share/man belong to other packages: list files only, owned by root.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
