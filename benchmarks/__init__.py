"""`make bench`: how long synthesis, the rehearsal and the test suite take, measured as a user runs them."""
