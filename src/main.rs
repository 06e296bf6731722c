fn main() {
    let text = std::io::read_to_string(std::io::stdin()).unwrap();
    let p = segc::parse(0, &text);
    let mut sm = segc::span::SourceMap::default();
    sm.add("<stdin>", text.clone());
    for d in &p.diagnostics {
        eprintln!("{}", segc::diagnostics::render(d, &sm, segc::diagnostics::RenderOptions::plain()));
    }
    if let Some(f) = p.file { println!("{}", serde_json::to_string(&f).unwrap()); }
}
