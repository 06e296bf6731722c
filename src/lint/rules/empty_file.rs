rule! {
    /// ## What it does
    /// Finds `.seg` files that define no segment: empty, or only comments.
    /// The checker reports it while reading the project.
    ///
    /// ## Why is this bad
    /// A definition file that defines nothing is usually a leftover, or a
    /// file whose definitions were commented out and forgotten.
    ///
    /// ## Example
    /// ```seg
    /// # segment old_promo = did "signup" within 7d
    /// ```
    ///
    /// ## Use instead
    /// Delete the file, or write the segment it was meant to hold:
    /// ```seg
    /// segment new_signups = did "signup" within 7d
    /// ```
    EmptyFile, "empty-file", None
}
