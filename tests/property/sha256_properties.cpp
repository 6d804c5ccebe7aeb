// SHA-256 through the processor's instructions gives the digest the portable code gives, for
// every length around the block boundaries and beyond.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "util/sha256.hpp"

using namespace promptctl::util;

RC_GTEST_PROP(Sha256Properties, TheProcessorsInstructionsAgreeWithThePortableCode, ()) {
  if (!sha256_detail::hardware_available()) {
    RC_SUCCEED("this processor has no SHA instructions");
  }
  // Lengths up to a few blocks, so that every way the tail can fall is tried.
  auto data = *rc::gen::resize(300, rc::gen::arbitrary<std::string>());
  RC_ASSERT(sha256_hex(data) == sha256_detail::hex_portable(data));
}

TEST(Sha256, BothImplementationsMeetTheStandardsVectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"}};
  for (const auto& [message, digest] : vectors) {
    EXPECT_EQ(sha256_detail::hex_portable(message), digest);
    if (sha256_detail::hardware_available()) {
      EXPECT_EQ(sha256_hex(message), digest);
    }
  }
}
