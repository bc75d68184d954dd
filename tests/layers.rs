//! The core's modules in layers: a module may use modules of its own layer
//! or of the layers below it, never above, and no two modules may use each
//! other through any path. A new module must be placed here. (Issue 13's
//! first step: the six-module import cycle broken by moving `NO_DAY` to
//! `date`, `RECORD_LIMIT`/`RAW_LIMIT` to `record`, and the key packing and
//! `CampaignMap` to `key`.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom first.
const LAYERS: &[(&str, &[&str])] = &[
    ("text and scalars", &["schema", "field", "number", "date", "totals", "aliases", "error", "key"]),
    ("the top of a file", &["plan", "transcode", "day_window"]),
    ("row semantics, per-campaign state, warnings", &["record", "table", "quality"]),
    ("a range's result", &["partial"]),
    ("the fast reader", &["fast"]),
    ("the range reader", &["aggregator"]),
    ("merge, codec, rankings, formatting", &["codec", "split", "rank", "output"]),
    ("the report", &["report"]),
    ("one stream", &["job"]),
    ("shells", &["wasm"]),
];

/// `crate::x` uses in the code of `text` (comments and `#[cfg(test)]`
/// modules left out).
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") && lines.peek().is_some_and(|n| n.trim_start().starts_with("mod ")) {
            break; // the tests module closes the file's code
        }
        if t.starts_with("//") {
            continue;
        }
        let code = t.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + 7..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
        // `use crate::{a, b}` lists.
        if let Some(i) = code.find("crate::{") {
            for part in code[i + 8..].split(['}', ',']) {
                let name: String = part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

/// Every core module's uses of other modules (`src/x.rs` and `src/x/*.rs`).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "bin" {
            continue;
        }
        let mut files = Vec::new();
        if path.is_dir() {
            for f in std::fs::read_dir(&path).unwrap() {
                let f = f.unwrap().path();
                // Test-only files (`mod tests;` under `#[cfg(test)]`).
                if f.file_stem().is_some_and(|s| s != "tests") {
                    files.push(f);
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path.clone());
        }
        let deps = g.entry(name.clone()).or_default();
        for f in files {
            deps.extend(uses(&std::fs::read_to_string(&f).unwrap()).into_iter().filter(|d| *d != name));
        }
    }
    g
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

#[test]
fn every_module_uses_only_its_layer_and_those_below() {
    let g = graph();
    let mut wrong = Vec::new();
    for (module, deps) in &g {
        let Some(mine) = layer_of(module) else {
            wrong.push(format!("src/{module}: in no layer (place it in tests/layers.rs)"));
            continue;
        };
        for dep in deps {
            match layer_of(dep) {
                Some(theirs) if theirs > mine => {
                    wrong.push(format!("{module} ({}) uses {dep} ({}), a layer above", LAYERS[mine].0, LAYERS[theirs].0))
                }
                None if g.contains_key(dep) => wrong.push(format!("{module} uses {dep}, which is in no layer")),
                _ => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_module_uses_itself_through_others() {
    let g = graph();
    // Depth-first search for a back edge.
    fn visit<'a>(m: &'a str, g: &'a BTreeMap<String, BTreeSet<String>>, state: &mut BTreeMap<&'a str, u8>, path: &mut Vec<&'a str>) -> Option<Vec<String>> {
        match state.get(m) {
            Some(1) => {
                let at = path.iter().position(|p| *p == m).unwrap();
                let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(m, 1);
        path.push(m);
        for dep in g.get(m).into_iter().flatten() {
            if g.contains_key(dep) {
                if let Some(c) = visit(dep, g, state, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        state.insert(m, 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in g.keys() {
        if let Some(cycle) = visit(m, &g, &mut state, &mut Vec::new()) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

/// The check itself finds a use, and skips comments and test modules.
#[test]
fn uses_are_read_from_code_only() {
    let text = "use crate::a::X;\n/// [`crate::b`]\nfn f() { crate::c::g(); } // crate::d\nuse crate::{e, f::G};\n#[cfg(test)]\nmod tests {\n use crate::h;\n}\n";
    let got: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(got, ["a", "c", "e", "f"]);
}
