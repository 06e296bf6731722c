//! Reading users and events from files (placeholder, filled next).
