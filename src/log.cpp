#include "src/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "src/json_log_formatter.hpp"

namespace natter {
namespace {

constexpr std::size_t flush_threshold = 64 * 1024;

class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        buffer_.append(formatted.data(), formatted.size());
        if (buffer_.size() >= flush_threshold || msg.level >= spdlog::level::err) flush_();
    }

    void flush_() override {
        std::size_t done = 0;
        while (done < buffer_.size()) {
            const auto n = ::write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // stdout is gone; losing log lines beats blocking the loop
            done += static_cast<std::size_t>(n);
        }
        buffer_.clear();
    }

private:
    std::string buffer_;
};

}  // namespace

void init_logging(std::string_view level, Config::Log::Format format) {
    auto logger = std::make_shared<spdlog::logger>("natter", std::make_shared<BufferedStdoutSink>());
    logger->set_formatter(make_log_formatter(format));
    spdlog::set_default_logger(std::move(logger));
    set_log_level(level);
}

std::unique_ptr<spdlog::formatter> make_log_formatter(Config::Log::Format format) {
    if (format == Config::Log::Format::json) return std::make_unique<JsonLogFormatter>();
    // UTC with a Z, so lines from machines in different zones sort together.
    return std::make_unique<spdlog::pattern_formatter>("[%Y-%m-%dT%H:%M:%S.%eZ] [%l] %v",
                                                       spdlog::pattern_time_type::utc);
}

void set_log_level(std::string_view level) {
    spdlog::set_level(spdlog::level::from_str(std::string{level}));
}

void flush_log() { spdlog::default_logger_raw()->flush(); }

}  // namespace natter
