#include "tests/support/python_seed.hpp"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "tests/support/free_port.hpp"
#include "tests/support/tcp_client.hpp"

namespace natter::test {

std::optional<std::string> python_seed_unavailable(const std::string& script) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(script, error)) {
        return "the classic server " + script + " does not exist";
    }
    try {
        // asyncore left the standard library in Python 3.12.
        const RunResult probe = run_process({"python3", "-c", "import asyncore, asynchat"});
        if (probe.status != 0) {
            return "python3 cannot import asyncore/asynchat (status " +
                   std::to_string(probe.status) + "): " + probe.err;
        }
    } catch (const std::exception& e) {
        return std::string{"python3 is not available: "} + e.what();
    }
    return std::nullopt;
}

PythonSeed::PythonSeed(const std::string& script, Millis start_timeout)
    : port_(free_port()), child_({"python3", "-u", script, std::to_string(port_)}) {
    // The seed prints nothing when ready; probe with connects, bounded. The
    // probe leaves politely (logout): the classic server crashes when a
    // client just closes (asyncore calls handle_close twice for EOF+HUP).
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            TcpClient probe{port_, {}, Millis{500}};
            if (probe.read_line() && probe.send_line("logout") && probe.wait_closed()) return;
            break;
        } catch (const std::runtime_error&) {
            if (!child_.running()) break;
            std::this_thread::sleep_for(Millis{50});
        }
    }
    child_.stop(Millis{1000});
    throw std::runtime_error("the classic server did not accept connections on port " +
                             std::to_string(port_) + "\n--- stderr:\n" + child_.stderr_text());
}

PythonSeed::~PythonSeed() { child_.stop(Millis{2000}); }

}  // namespace natter::test
