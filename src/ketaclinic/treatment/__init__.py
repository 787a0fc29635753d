"""The treatment programme: intake, eligibility, protocol library, plans, sessions, discharge."""
