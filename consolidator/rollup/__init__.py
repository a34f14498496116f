"""Rolling units up the organisation: a unit's facts, the roll-up per node, the balanskrav, the
export lines and the history store. May use reading/, imports/, rules/ and model/."""
