// Images in user messages: files of the repository sent as data URIs, URLs and variables of
// type image, each in its provider's form; checked by lint and counted in the content hash.
#include "e2e/execution.hpp"
#include "util/base64.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

// Not a whole picture: the bytes need only travel unchanged, NUL and high bytes included.
const std::string k_png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\x01", 18);
const char* const k_gif = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";

class ImagesTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    write("images/dot.png", k_png);
    write("prompts/look.yaml",
          "variables:\n  q: string\n  photo: {type: image, required: false}\n"
          "messages:\n"
          "  - role: user\n"
          "    content: \"{{q}}\"\n"
          "    images:\n"
          "      - file: images/dot.png\n"
          "      - var: photo\n");
  }

  json last_body() const { return json::parse(m_server.requests().back().body); }

  static std::string png_data() { return util::base64_encode(k_png); }
};

class ImagesEveryDialect : public ImagesTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(ImagesEveryDialect, FilesAndVariablesGoInTheProvidersForm) {
  json result = run_json({"run", "look", "--model", GetParam(), "--var", "q=What is this?", "--var",
                          std::string("photo=") + k_gif});
  ASSERT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(result["output"], "echo: What is this?");
  json message = last_body()["messages"][0];
  std::string provider = GetParam().substr(0, GetParam().find('/'));
  if (provider == "anthropic") {
    EXPECT_EQ(message["content"][0],
              (json{{"type", "image"},
                    {"source",
                     {{"type", "base64"}, {"media_type", "image/png"}, {"data", png_data()}}}}));
    EXPECT_EQ(message["content"][1]["source"]["media_type"], "image/gif");
    EXPECT_EQ(message["content"][2], (json{{"type", "text"}, {"text", "What is this?"}}));
  } else if (provider == "ollama") {
    EXPECT_EQ(message["content"], "What is this?");
    EXPECT_EQ(message["images"], (json{png_data(), "R0lGODlhAQABAAAAACw="}));
  } else {
    EXPECT_EQ(message["content"][0], (json{{"type", "text"}, {"text", "What is this?"}}));
    EXPECT_EQ(message["content"][1],
              (json{{"type", "image_url"},
                    {"image_url", {{"url", "data:image/png;base64," + png_data()}}}}));
    EXPECT_EQ(message["content"][2]["image_url"]["url"], k_gif);
  }
}

INSTANTIATE_TEST_SUITE_P(Images, ImagesEveryDialect,
                         ::testing::Values("openai/gpt-test", "anthropic/claude-test",
                                           "ollama/llama3", "azure-openai/dep"),
                         provider_param_name);

TEST_F(ImagesTest, AUrlGoesAsItIsExceptToOllama) {
  write("prompts/cat.yaml",
        "messages:\n  - role: user\n    content: Look\n"
        "    images: [{url: 'https://example.com/c.jpg'}]\n");
  json result = run_json({"run", "cat", "--model", "openai/gpt-test"});
  ASSERT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(last_body()["messages"][0]["content"][1]["image_url"]["url"],
            "https://example.com/c.jpg");
  std::size_t before = m_server.request_count();
  ProcessResult ollama = run_with_server({"run", "cat", "--model", "ollama/llama3"});
  EXPECT_EQ(ollama.exit_code, 2) << ollama.err;
  EXPECT_NE(ollama.err.find("takes images as data, not URLs"), std::string::npos) << ollama.err;
  EXPECT_EQ(m_server.request_count(), before);
}

TEST_F(ImagesTest, TheContentHashCoversTheImagesBytes) {
  std::vector<std::string> args = {"run", "look", "--provider", "echo", "--var", "q=x", "--json"};
  json before = json::parse(run(args).out);
  write("images/dot.png", k_png + "more");
  json after = json::parse(run(args).out);
  EXPECT_NE(before["content_hash"], after["content_hash"]);
  EXPECT_NE(
      json::parse(run({"render", "look", "--var", "q=x", "--json"}).out)["messages"][0]["images"][0]
          .get<std::string>()
          .find(util::base64_encode(k_png + "more")),
      std::string::npos);
}

TEST_F(ImagesTest, LintAndTheVariableCheckNameWhatIsWrong) {
  write("prompts/bad.yaml",
        "variables: {p: string}\n"
        "messages:\n"
        "  - role: system\n    content: Be brief\n    images: [{file: images/dot.png}]\n"
        "  - role: user\n    content: \"{{p}}\"\n"
        "    images:\n"
        "      - file: images/gone.png\n"
        "      - file: notes.txt\n"
        "      - url: 'ftp://example.com/a.png'\n"
        "      - var: p\n");
  ProcessResult lint = run({"lint", "bad"});
  EXPECT_EQ(lint.exit_code, 1) << lint.out;
  for (const char* expected :
       {"prompts/bad.yaml:5:13: error: only a user message shows images",
        "prompts/bad.yaml:9:15: error: the image file 'images/gone.png' does not exist",
        "prompts/bad.yaml:10:15: error: the image file 'notes.txt' is not a PNG, JPEG, GIF or WebP",
        "prompts/bad.yaml:11:14: error: the image's url must be an http(s) URL or a data URI",
        "prompts/bad.yaml:12:14: error: the image's var names 'p', which is not a variable of "
        "type image"}) {
    EXPECT_NE(lint.out.find(expected), std::string::npos) << expected << "\n" << lint.out;
  }
  EXPECT_EQ(run({"lint", "look"}).exit_code, 0);

  // An image file given on the command line goes as a data URI.
  write("cat.gif", "GIF89a");
  ProcessResult from_file =
      run({"render", "look", "--var", "q=x", "--var", "photo=@cat.gif", "--json"});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(json::parse(from_file.out)["messages"][0]["images"][1],
            "data:image/gif;base64," + util::base64_encode("GIF89a"));
  ProcessResult bad_value = run({"render", "look", "--var", "q=x", "--var", "photo=cat.png"});
  EXPECT_EQ(bad_value.exit_code, 2) << bad_value.err;
  EXPECT_NE(bad_value.err.find("variable 'photo' must be an http(s) URL or a data URI"),
            std::string::npos)
      << bad_value.err;
  EXPECT_NE(run({"show", "look"}).out.find("[image file: images/dot.png]"), std::string::npos);
  EXPECT_EQ(json::parse(run({"show", "look", "--json"}).out)["messages"][0]["images"],
            json::parse(R"([{"file": "images/dot.png"}, {"var": "photo"}])"));
}

}  // namespace
}  // namespace promptctl::testing
