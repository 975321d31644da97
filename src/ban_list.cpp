#include "src/ban_list.hpp"

#include <algorithm>

#include "src/names.hpp"

namespace natter {

void BanList::put(Ban ban) {
    remove(ban.target);
    bans_.push_back(std::move(ban));
}

bool BanList::remove(std::string_view target) {
    const auto key = name_key(target);
    return std::erase_if(bans_, [&](const Ban& ban) { return name_key(ban.target) == key; }) > 0;
}

const Ban* BanList::on_name(std::string_view name, std::int64_t now) const { return find(name, false, now); }

const Ban* BanList::on_address(std::string_view address, std::int64_t now) const { return find(address, true, now); }

const Ban* BanList::find(std::string_view target, bool is_address, std::int64_t now) const {
    const auto key = name_key(target);
    for (const auto& ban : bans_) {
        if (ban.is_address != is_address || (ban.expires && *ban.expires <= now)) continue;
        if (name_key(ban.target) == key) return &ban;
    }
    return nullptr;
}

bool looks_like_address(std::string_view target) { return target.find_first_of(".:") != std::string_view::npos; }

}  // namespace natter
