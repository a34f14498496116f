"""The Kolada comparison in words: the municipality's value beside its peer group's, the group named."""
from __future__ import annotations


def _n(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def peer_text(known: tuple | None, group: tuple) -> str:
    """`known`: (year, own value, peers' mean, how many) from History.kolada, or None; `group`:
    (kommunkoder or None, name) from History.peer_group. Swedish, one line."""
    if not known or known[1] is None:
        return "-"
    year, own, mean, count = known
    codes, name = group
    if codes is None:
        if mean is None:
            return f"{year}: kommunen {_n(own)}"
        return (f"{year}: kommunen {_n(own)}, {count} andra kommuner i Kolada-filen {_n(mean)} "
                "(styrmodellen anger ingen jämförelsegrupp)")
    if mean is None:
        return f"{year}: kommunen {_n(own)}; inga värden för jämförelsegruppen {name}"
    return f"{year}: kommunen {_n(own)}, jämförelsegruppen {name} ({count} kommuner) {_n(mean)}"
