# Installation layout and the Debian package (cpack -G DEB).
include(GNUInstallDirs)

install(TARGETS promptctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Man pages are installed compressed, as Debian ships them: commands in section 1, the JSON
# vocabulary in section 7.
set(PROMPTCTL_MAN_COMPRESSED)
foreach(section 1 7)
  file(GLOB pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.${section})
  set(compressed_pages)
  foreach(page ${pages})
    get_filename_component(page_name ${page} NAME)
    set(compressed ${PROJECT_BINARY_DIR}/man/${page_name}.gz)
    add_custom_command(OUTPUT ${compressed}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND sh -c "gzip -9nc \"$0\" > \"$1\"" ${page} ${compressed}
      DEPENDS ${page} VERBATIM)
    list(APPEND compressed_pages ${compressed})
  endforeach()
  install(FILES ${compressed_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  list(APPEND PROMPTCTL_MAN_COMPRESSED ${compressed_pages})
endforeach()
add_custom_target(promptctl_man_pages ALL DEPENDS ${PROMPTCTL_MAN_COMPRESSED})

# Completion scripts go where each shell looks for them. Debian's zsh searches
# vendor-completions under /usr and site-functions under /usr/local; the prefix is known only
# when installing (the package installs under /usr whatever the build was configured with).
# Debian's fish searches vendor_completions.d under /usr, and under another prefix only when
# XDG_DATA_DIRS names it (the README says how to load the script otherwise).
install(FILES completions/promptctl.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME promptctl)
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(promptctl_zsh_dir vendor-completions)
  else()
    set(promptctl_zsh_dir site-functions)
  endif()
  file(INSTALL \"${PROJECT_SOURCE_DIR}/completions/_promptctl\"
       DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/zsh/\${promptctl_zsh_dir}\")
")
install(FILES completions/promptctl.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

set(CPACK_PACKAGE_NAME promptctl)
set(CPACK_PACKAGE_VENDOR "promptctl")
set(CPACK_PACKAGE_CONTACT "promptctl maintainers <promptctl@example.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Git-native management of LLM prompts")
set(CPACK_PACKAGE_DESCRIPTION
    "promptctl keeps prompts as YAML files in a git repository: author, render, lint, version,\n\
review, deploy, run against model providers with a lineage ledger, and test them.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libgit2, libcurl, SQLite and libmicrohttpd are loaded with dlopen on first use, which
# dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libgit2-${PROMPTCTL_LIBGIT2_ABI}, libcurl4, libsqlite3-0, libmicrohttpd12")
# ssh-keygen signs and verifies approvals; libpq (loaded with dlopen too) reaches a ledger on
# PostgreSQL.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "git, bash-completion, openssh-client, libpq5")
include(CPack)
