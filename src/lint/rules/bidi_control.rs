rule! {
    /// ## What it does
    /// Finds invisible bidirectional formatting characters (U+202A–U+202E,
    /// U+2066–U+2069, U+200E, U+200F, U+061C) anywhere in a `.seg` file: in
    /// strings, backquoted names and comments. The lexer reports it.
    ///
    /// ## Why is this bad
    /// These characters reorder how a line is displayed, so the condition
    /// a reviewer reads in a pull request can differ from the one that runs
    /// ("Trojan Source"). A string holding one also matches different data
    /// than it appears to.
    ///
    /// ## Example
    /// (`⟨U+202E⟩` stands for the invisible character itself.)
    /// ```seg
    /// segment vip = user.plan = "gold⟨U+202E⟩ " # ⟨U+2066⟩or everyone⟨U+2069⟩
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment vip = user.plan = "gold"
    /// ```
    /// If the character is really part of the data, write it as an escape
    /// (`"\u{202E}"`), which shows in review.
    BidiControl, "bidi-control", None
}
