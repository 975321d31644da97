// "mail": messages between registered names, kept in the account store
// until deleted. "mail <name> <text>" leaves one (delivered at the owner's
// next login, or at once with a notice if they are here), "mail" lists,
// "mail read N" shows one, "mail delete N|all" removes. At most [accounts]
// mailbox_max are kept per name, and a sender may send a few a minute.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/time_text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr std::size_t max_mail = 1000;  // characters in one message
constexpr std::size_t max_preview = 40;  // characters of a message in the list
// Flood control for mail: each message is kept, so a few a minute at most.
constexpr std::size_t mail_burst = 5;
constexpr std::chrono::seconds mail_window{60};

constexpr std::string_view usage = "mail [<name> <text>|read <n>|delete <n>|all]";

void database_trouble(Session& session, std::string_view doing, const Error& error) {
    spdlog::error("mail {} {}: account database: {}", doing, session.name(), error.message);
    session.send("Sorry, the account database is not available. Try again later.");
}

// The session asking, found again after work off the loop; nullptr if gone.
Session* asking(World& world, std::uint64_t id) {
    auto* session = world.find_session(id);
    return session == nullptr || session->closing() ? nullptr : session;
}

// "3" → 2 (the index of the third message); nullopt if not a number from 1.
std::optional<std::size_t> message_index(std::string_view text) {
    std::size_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc{} || end != text.data() + text.size() || number == 0) return std::nullopt;
    return number - 1;
}

void list(World& world, Session& session) {
    world.accounts().mail(session.name(), [&world, id = session.id()](Result<std::vector<AccountStore::Mail>> mail) {
        auto* s = asking(world, id);
        if (s == nullptr) return;
        if (!mail) return database_trouble(*s, "list", mail.error());
        if (mail->empty()) {
            s->send("You have no mail.");
            return;
        }
        const auto unread = static_cast<std::size_t>(
            std::count_if(mail->begin(), mail->end(), [](const AccountStore::Mail& m) { return m.unread; }));
        s->send(fmt::format("You have {} message{}, {} new:", mail->size(), mail->size() == 1 ? "" : "s", unread));
        for (std::size_t i = 0; i < mail->size(); ++i) {
            const auto& m = (*mail)[i];
            const auto preview = cut_characters(m.body, max_preview);
            s->send(fmt::format("  {}. {}from {}, {}: {}{}", i + 1, m.unread ? "(new) " : "", m.sender,
                                utc_date_time(m.sent), preview, preview.size() < m.body.size() ? "..." : ""));
        }
        s->send("Type \"mail read <n>\" to read one, \"mail delete <n>\" or \"mail delete all\" to remove them.");
    });
}

void read(World& world, Session& session, std::size_t index) {
    world.accounts().read_mail(session.name(), index,
                               [&world, id = session.id(), index](Result<std::optional<AccountStore::Mail>> mail) {
                                   auto* s = asking(world, id);
                                   if (s == nullptr) return;
                                   if (!mail) return database_trouble(*s, "read", mail.error());
                                   if (!*mail) {
                                       s->send(fmt::format("You have no message {}; type \"mail\" for the list.",
                                                           index + 1));
                                       return;
                                   }
                                   s->send(fmt::format("Message {}, from {}, {}:", index + 1, (*mail)->sender,
                                                       utc_date_time((*mail)->sent)));
                                   // Indented: a message cannot pass for a line from the server.
                                   s->send("  " + (*mail)->body);
                               });
}

void remove(World& world, Session& session, std::optional<std::size_t> index) {
    const auto id = session.id();
    if (!index) {
        world.accounts().delete_all_mail(session.name(), [&world, id](Result<std::size_t> deleted) {
            auto* s = asking(world, id);
            if (s == nullptr) return;
            if (!deleted) return database_trouble(*s, "delete", deleted.error());
            if (*deleted == 0) {
                s->send("You have no mail to delete.");
            } else {
                s->send(fmt::format("{} message{} deleted.", *deleted, *deleted == 1 ? "" : "s"));
            }
        });
        return;
    }
    world.accounts().delete_mail(session.name(), *index, [&world, id, number = *index + 1](Result<bool> deleted) {
        auto* s = asking(world, id);
        if (s == nullptr) return;
        if (!deleted) return database_trouble(*s, "delete", deleted.error());
        if (*deleted) {
            s->send(fmt::format("Message {} deleted; the ones after it move up.", number));
        } else {
            s->send(fmt::format("You have no message {}; type \"mail\" for the list.", number));
        }
    });
}

// False (and the sender told) if they sent mail_burst messages within the window.
bool within_rate(World& world, Session& session) {
    auto& sent = session.info_for_update().mail_sent;
    const auto now = world.now();
    std::erase_if(sent, [&](const UserInfo::Clock::time_point when) { return now - when >= mail_window; });
    if (sent.size() >= mail_burst) {
        session.send(fmt::format("You are sending mail too fast (at most {} a minute); wait a little.", mail_burst));
        return false;
    }
    sent.push_back(now);
    return true;
}

void send(World& world, Session& session, std::string_view to, std::string_view text) {
    if (!is_valid_name(to) || !world.accounts().is_registered(to)) {
        if (const auto* guest = world.find_user(to)) {
            session.send(guest->name() + " is a guest; mail is for registered names only (a tell reaches them now).");
        } else {
            session.send("No one called \"" + std::string{to} + "\" is registered; mail is for registered names only.");
        }
        return;
    }
    if (!within_rate(world, session)) return;
    const auto body = cut_characters(text, max_mail);
    if (body.size() < text.size()) session.send(fmt::format("(Your message was cut to {} characters.)", max_mail));
    // Privacy: the log records that mail was sent, not what it said.
    spdlog::info("mail {} -> {}", session.name(), to);
    world.accounts().send_mail(
        session.name(), std::string{to}, std::string{body},
        [&world, id = session.id(), from = session.name(), to = std::string{to}](Result<Accounts::MailSent> sent) {
            auto* s = asking(world, id);
            if (!sent) {
                if (s != nullptr) database_trouble(*s, "send", sent.error());
                return;
            }
            switch (*sent) {
            case Accounts::MailSent::no_account:
                if (s != nullptr) s->send("No one called \"" + to + "\" is registered; the mail was not sent.");
                return;
            case Accounts::MailSent::mailbox_full:
                if (s != nullptr) s->send("The mailbox of " + to + " is full; the mail was not sent.");
                return;
            case Accounts::MailSent::stored:
                break;
            }
            if (s != nullptr) s->send("Mail sent to " + to + ".");
            auto* receiver = world.find_user(to);
            if (receiver != nullptr && receiver->authenticated() && !receiver->ignores_name(from)) {
                receiver->deliver(Event{.kind = EventKind::mail_notice, .actor = from, .target = receiver->name()});
            }
        });
}

void do_mail(CommandContext& ctx, std::string_view args) {
    auto& world = ctx.world;
    auto& session = ctx.session;
    if (!session.authenticated() || !world.accounts().is_registered(session.name())) {
        session.send("Mail is for registered names; \"register\" gives you a mailbox.");
        return;
    }
    if (args.empty()) {
        list(world, session);
        return;
    }
    const auto space = args.find_first_of(" \t");
    const auto first = args.substr(0, space);
    const auto rest = space == std::string_view::npos ? std::string_view{} : trim(args.substr(space + 1));
    const auto verb = ascii_lower(first);
    // "read 2" and "delete all" are subcommands; anything else is a name
    // (mail to someone called "read" needs text that is not a number).
    if (verb == "read" && message_index(rest)) {
        read(world, session, *message_index(rest));
        return;
    }
    if (verb == "delete" && (rest == "all" || message_index(rest))) {
        remove(world, session, message_index(rest));
        return;
    }
    if (rest.empty()) {
        session.send("Usage: " + std::string{usage});
        return;
    }
    send(world, session, first, rest);
}

const Registration mail{{.name = "mail",
                         .rooms = RoomKind::chat,
                         .handler = do_mail,
                         .usage = usage,
                         .help = "leave a message for a registered name, or list, read and delete yours"}};

}  // namespace
}  // namespace natter::commands
