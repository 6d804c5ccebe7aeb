#include "promptctl/build_info.hpp"

#include "promptctl_build_version.hpp"

namespace promptctl {

const BuildInfo& build_info() {
  static const BuildInfo info{PROMPTCTL_BUILD_VERSION, PROMPTCTL_BUILD_COMMIT,
                              PROMPTCTL_BUILD_TYPE};
  return info;
}

}  // namespace promptctl
