#include "serve/mhd_api.hpp"

#include "util/shared_library.hpp"

namespace promptctl::serve_detail {
namespace {

class LoadedMhd {
 public:
  LoadedMhd() : m_library("libmicrohttpd.so.12") {
#define PROMPTCTL_MHD_RESOLVE(name) m_library.resolve(m_api.name, #name);
    PROMPTCTL_MHD_FUNCTIONS(PROMPTCTL_MHD_RESOLVE)
#undef PROMPTCTL_MHD_RESOLVE
  }
  LoadedMhd(const LoadedMhd&) = delete;
  LoadedMhd& operator=(const LoadedMhd&) = delete;

  [[nodiscard]] const MhdApi& api() const {
    return m_api;
  }

 private:
  util::SharedLibrary m_library;
  MhdApi m_api;
};

}  // namespace

const MhdApi& mhd() {
  static const LoadedMhd loaded;
  return loaded.api();
}

}  // namespace promptctl::serve_detail
