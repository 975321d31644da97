#include "src/send_off.hpp"

#include <string>
#include <vector>

#include "src/account_store.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {
namespace {

std::string with_reason(std::string_view reason) {
    return reason.empty() ? std::string{"."} : ": " + std::string{reason};
}

}  // namespace

void kick_off(Session& user, std::string_view by, std::string_view reason) {
    user.send("*** You have been kicked by " + std::string{by} + with_reason(reason));
    user.disconnect("kicked by " + std::string{by});
}

void take_over(Session& user, std::string_view new_address) {
    user.send("*** Your session has been taken over by a new login from " + std::string{new_address} + ".");
    user.disconnect("taken over");
}

void name_lost_elsewhere(Session& user) {
    user.send("*** Your name has been taken over elsewhere on the network; disconnecting.");
    user.disconnect("name taken elsewhere on the network");
}

void ban_off(World& world, const Ban& ban) {
    const auto key = name_key(ban.target);
    std::vector<Session*> hit;
    for (auto* session : world.sessions()) {
        if (session->closing()) continue;
        const bool match = ban.is_address ? name_key(session->address()) == key
                                          : !session->name().empty() && name_key(session->name()) == key;
        if (match) hit.push_back(session);
    }
    const std::string notice = "*** You have been banned by " + ban.by + with_reason(ban.reason);
    for (auto* session : hit) {
        session->send(notice);
        session->disconnect("banned");
    }
}

}  // namespace natter
