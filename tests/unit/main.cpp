// The unit test runner; logging is kept quiet so failures stand out.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::off);
    doctest::Context context{argc, argv};
    return context.run();
}
