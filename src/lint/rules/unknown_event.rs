rule! {
    /// ## What it does
    /// Finds event names that are not in the `catalog` of `[events]` in
    /// `segc.toml`, and suggests the nearest name that is. The checker
    /// reports it while resolving names; without a catalog there is nothing
    /// to check.
    ///
    /// ## Why is this bad
    /// A misspelt event name is valid Seg and matches no event, so the
    /// segment silently loses everyone the condition was meant to find.
    ///
    /// ## Example
    /// ```seg
    /// segment buyers = did "purchse" within 30d
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment buyers = did "purchase" within 30d
    /// ```
    /// If the event is new, add it to `catalog` in `segc.toml`.
    UnknownEvent, "unknown-event", None
}
