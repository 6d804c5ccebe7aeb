# Settings every first-party target links privately: warnings, sanitizers, debug assertions.
add_library(promptctl_standard_settings INTERFACE)
target_compile_options(promptctl_standard_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  # Targets that include CLI11 set PROMPTCTL_NO_NULL_DEREFERENCE_WARNING: GCC 12 reports a
  # false "potential null pointer dereference" in CLI11's inlined string helpers.
  $<$<NOT:$<BOOL:$<TARGET_PROPERTY:PROMPTCTL_NO_NULL_DEREFERENCE_WARNING>>>:-Wnull-dereference>
  $<$<BOOL:${PROMPTCTL_WERROR}>:-Werror>
  # __FILE__ (in PROMPTCTL_CHECK messages) names files from the project's top, not the path of
  # the machine that built them.
  -fmacro-prefix-map=${PROJECT_SOURCE_DIR}/=)
target_compile_definitions(promptctl_standard_settings INTERFACE
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
# Link only the libraries a binary really calls, so that start-up does not load the rest.
target_link_options(promptctl_standard_settings INTERFACE -Wl,--as-needed)
if(PROMPTCTL_SANITIZE)
  target_compile_options(promptctl_standard_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(promptctl_standard_settings INTERFACE -fsanitize=address,undefined)
endif()
