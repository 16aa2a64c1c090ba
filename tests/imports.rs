//! Imports point one way. Every `crate::`, `super::` and `self::` path in `src/` (in `use` items,
//! in code and in macro arguments) is an edge from the file it is written in to the file that
//! defines what it names — through re-exports, so `crate::netsim::SceneState` counts as an edge to
//! the file that really holds `SceneState`. Two rules:
//!
//! 1. An edge between two top-level modules must be allowed by the layer table in
//!    ARCHITECTURE.md (the rows under `<!-- import-layers -->`); a module may only be allowed
//!    modules of lower layers, so the table itself has no circle.
//! 2. Inside every module, its parts (its own `mod.rs` and each child module with everything
//!    under it) import each other without a circle, direct or round several parts.
//!
//! A violation fails with the file and line of each edge that makes it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;

type ModPath = Vec<String>;

/// One `crate::…` (or `super::…`, `self::…`) path, made absolute.
struct Reference {
    target: ModPath,
    line: usize,
}

/// What one source file says about imports.
#[derive(Default)]
struct FileInfo {
    file: PathBuf,
    refs: Vec<Reference>,
    /// `pub use` at file level: the name it brings in (or `*`) and the absolute path it names.
    reexports: Vec<(String, ModPath)>,
    /// Names defined at file level (types, functions, constants, inline modules…).
    defined: BTreeSet<String>,
}

/// An edge between two files, with where it is written.
#[derive(Clone)]
struct Edge {
    from: ModPath,
    to: ModPath,
    line: usize,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `src/a/b.rs` → `[a, b]`, `src/a/mod.rs` → `[a]`; `None` for the binary's `main.rs`.
fn module_of(relative: &Path) -> Option<ModPath> {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?.to_owned();
    match (parts.is_empty(), stem.as_str()) {
        (true, "main") => None,
        (true, "lib") => Some(Vec::new()),
        (_, "mod") => Some(parts),
        _ => {
            parts.push(stem);
            Some(parts)
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read src").map(|e| e.expect("dir entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Walks one file's syntax tree, collecting references, re-exports and definitions.
struct Collector<'a> {
    info: &'a mut FileInfo,
    file_module: ModPath,
    /// The module the walker is in: the file's, or an inline module inside it.
    scope: ModPath,
    /// Child modules declared in each open scope, so a bare `child::Item` path is recognised.
    local_modules: Vec<BTreeSet<String>>,
}

impl Collector<'_> {
    fn absolute(&self, segments: &[String]) -> Option<ModPath> {
        let first = segments.first()?;
        let mut base = match first.as_str() {
            "crate" => return Some(segments[1..].to_vec()),
            "self" => self.scope.clone(),
            "super" => {
                let mut base = self.scope.clone();
                let mut rest = segments;
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop()?;
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                return Some(base);
            }
            name if self.local_modules.last().is_some_and(|m| m.contains(name)) => {
                let mut base = self.scope.clone();
                base.push(name.to_owned());
                base
            }
            _ => return None,
        };
        base.extend(segments[1..].iter().cloned());
        Some(base)
    }

    fn reference(&mut self, segments: &[String], line: usize) {
        if let Some(target) = self.absolute(segments) {
            self.info.refs.push(Reference { target, line });
        }
    }

    fn at_file_level(&self) -> bool {
        self.scope == self.file_module
    }

    fn scan_macro_tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(group) => self.scan_macro_tokens(group.stream()),
                TokenTree::Ident(ident) if ["crate", "super"].contains(&ident.to_string().as_str()) => {
                    let line = ident.span().start().line;
                    let mut segments = vec![ident.to_string()];
                    let mut j = i + 1;
                    while j + 2 < tokens.len() && is_path_sep(&tokens[j], &tokens[j + 1]) {
                        match &tokens[j + 2] {
                            TokenTree::Ident(next) => segments.push(next.to_string()),
                            _ => break,
                        }
                        j += 3;
                    }
                    if segments.len() > 1 {
                        self.reference(&segments, line);
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

fn is_path_sep(a: &TokenTree, b: &TokenTree) -> bool {
    matches!((a, b), (TokenTree::Punct(x), TokenTree::Punct(y)) if x.as_char() == ':' && y.as_char() == ':')
}

/// Every path a `use` tree names, with the name it binds (`*` for a glob).
fn expand_use(prefix: &[String], tree: &syn::UseTree, out: &mut Vec<(ModPath, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix.to_vec();
            next.push(p.ident.to_string());
            expand_use(&next, &p.tree, out);
        }
        syn::UseTree::Name(n) if n.ident == "self" => {
            out.push((prefix.to_vec(), prefix.last().cloned().unwrap_or_default()));
        }
        syn::UseTree::Name(n) => {
            let mut path = prefix.to_vec();
            path.push(n.ident.to_string());
            out.push((path, n.ident.to_string()));
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.to_vec();
            if r.ident != "self" {
                path.push(r.ident.to_string());
            }
            out.push((path, r.rename.to_string()));
        }
        syn::UseTree::Glob(_) => out.push((prefix.to_vec(), "*".to_owned())),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                expand_use(prefix, item, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let line = item.span().start().line;
        let mut paths = Vec::new();
        expand_use(&[], &item.tree, &mut paths);
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        for (segments, name) in paths {
            let Some(target) = self.absolute(&segments) else { continue };
            if public && self.at_file_level() {
                self.info.reexports.push((name, target.clone()));
                // Re-exporting one's own parts is how a module shows its face; it is not a
                // dependency. Re-exporting anything else is.
                if target.starts_with(&self.file_module) && target.len() > self.file_module.len() {
                    continue;
                }
            }
            self.info.refs.push(Reference { target, line });
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let name = item.ident.to_string();
        if self.at_file_level() {
            self.info.defined.insert(name.clone());
        }
        if let Some(scope) = self.local_modules.last_mut() {
            scope.insert(name.clone());
        }
        if let Some((_, items)) = &item.content {
            self.scope.push(name);
            self.local_modules.push(
                items
                    .iter()
                    .filter_map(|i| match i {
                        syn::Item::Mod(m) => Some(m.ident.to_string()),
                        _ => None,
                    })
                    .collect(),
            );
            for inner in items {
                self.visit_item(inner);
            }
            self.local_modules.pop();
            self.scope.pop();
        }
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if self.at_file_level() {
            let ident = match item {
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                syn::Item::Fn(i) => Some(&i.sig.ident),
                syn::Item::Macro(i) => i.ident.as_ref(),
                syn::Item::Static(i) => Some(&i.ident),
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Trait(i) => Some(&i.ident),
                syn::Item::Type(i) => Some(&i.ident),
                syn::Item::Union(i) => Some(&i.ident),
                _ => None,
            };
            if let Some(ident) = ident {
                self.info.defined.insert(ident.to_string());
            }
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() && path.segments.len() >= 2 {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.reference(&segments, path.span().start().line);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_meta_list(&mut self, list: &'ast syn::MetaList) {
        // Attribute arguments (`#[command(version = crate::version::version())]`) are tokens.
        self.scan_macro_tokens(list.tokens.clone());
        syn::visit::visit_meta_list(self, list);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.scan_macro_tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// Reads every file of `src/`.
fn read_sources() -> BTreeMap<ModPath, FileInfo> {
    let root = src_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut infos = BTreeMap::new();
    for path in files {
        let relative = path.strip_prefix(&root).expect("under src").to_path_buf();
        let Some(module) = module_of(&relative) else { continue };
        let text = std::fs::read_to_string(&path).expect("read source");
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", relative.display()));
        let mut info = FileInfo { file: Path::new("src").join(&relative), ..FileInfo::default() };
        let declared: BTreeSet<String> = syntax
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Mod(m) => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut collector = Collector {
            info: &mut info,
            file_module: module.clone(),
            scope: module.clone(),
            local_modules: vec![declared],
        };
        collector.visit_file(&syntax);
        infos.insert(module, info);
    }
    infos
}

/// The file that really defines what `target` names, following re-exports.
fn resolve(infos: &BTreeMap<ModPath, FileInfo>, target: &[String], depth: usize) -> Option<ModPath> {
    let split = (0..=target.len()).rev().find(|&n| infos.contains_key(&target[..n]))?;
    let module = target[..split].to_vec();
    let Some(name) = target.get(split) else { return Some(module) };
    let info = &infos[&module];
    if info.defined.contains(name) || depth > 16 {
        return Some(module);
    }
    for (bound, path) in &info.reexports {
        if bound == name {
            let mut next = path.clone();
            next.extend(target[split + 1..].iter().cloned());
            return resolve(infos, &next, depth + 1).or(Some(module));
        }
    }
    for (bound, path) in &info.reexports {
        if bound == "*" {
            let mut next = path.clone();
            next.extend(target[split..].iter().cloned());
            if let Some(found) = resolve(infos, &next, depth + 1)
                && infos[&found].defined.contains(name)
            {
                return Some(found);
            }
        }
    }
    Some(module)
}

fn edges(infos: &BTreeMap<ModPath, FileInfo>) -> Vec<Edge> {
    let mut out = Vec::new();
    for (from, info) in infos {
        for reference in &info.refs {
            if let Some(to) = resolve(infos, &reference.target, 0)
                && &to != from
            {
                out.push(Edge { from: from.clone(), to, line: reference.line });
            }
        }
    }
    out
}

/// The layer table: module → (layer, modules it may import).
struct Layers {
    rows: BTreeMap<String, (u32, BTreeSet<String>)>,
}

fn read_layers() -> Layers {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
        .expect("read ARCHITECTURE.md");
    let start = doc.find("<!-- import-layers -->").expect("ARCHITECTURE.md has an <!-- import-layers --> table");
    let mut rows = BTreeMap::new();
    for line in doc[start..].lines().skip(1).skip_while(|l| l.trim().is_empty()) {
        let line = line.trim();
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [layer, module, allowed, ..] = cells[..] else { panic!("layer row with too few cells: {line}") };
        let Ok(layer) = layer.parse::<u32>() else { continue };
        let names =
            |cell: &str| -> BTreeSet<String> { cell.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
        let module = names(module).into_iter().next().unwrap_or_else(|| panic!("no module in row: {line}"));
        rows.insert(module, (layer, names(allowed)));
    }
    assert!(!rows.is_empty(), "the import-layers table has no rows");
    Layers { rows }
}

#[test]
fn layer_table_points_down_only() {
    let layers = read_layers();
    let mut problems = String::new();
    for (module, (layer, allowed)) in &layers.rows {
        for other in allowed {
            match layers.rows.get(other) {
                None => writeln!(problems, "`{module}` may import `{other}`, which the table does not list").unwrap(),
                Some((other_layer, _)) if other_layer >= layer => writeln!(
                    problems,
                    "`{module}` (layer {layer}) may import `{other}` (layer {other_layer}): only lower layers may be imported"
                )
                .unwrap(),
                Some(_) => {}
            }
        }
    }
    let infos = read_sources();
    let top: BTreeSet<String> = infos.keys().filter(|m| m.len() == 1).map(|m| m[0].clone()).collect();
    for module in &top {
        if !layers.rows.contains_key(module) {
            writeln!(problems, "src/{module} is not in ARCHITECTURE.md's layer table").unwrap();
        }
    }
    for module in layers.rows.keys() {
        if !top.contains(module) {
            writeln!(problems, "the layer table lists `{module}`, which src/ does not have").unwrap();
        }
    }
    assert!(problems.is_empty(), "{problems}");
}

fn describe(infos: &BTreeMap<ModPath, FileInfo>, edge: &Edge) -> String {
    format!("{}:{} uses {}", infos[&edge.from].file.display(), edge.line, infos[&edge.to].file.display())
}

#[test]
fn top_level_imports_follow_the_layer_table() {
    let layers = read_layers();
    let infos = read_sources();
    let mut problems = BTreeMap::<(String, String), Vec<String>>::new();
    for edge in edges(&infos) {
        let (Some(from), Some(to)) = (edge.from.first(), edge.to.first()) else { continue };
        if from == to {
            continue;
        }
        let allowed = layers.rows.get(from).is_some_and(|(_, allowed)| allowed.contains(to));
        if !allowed {
            problems.entry((from.clone(), to.clone())).or_default().push(describe(&infos, &edge));
        }
    }
    let mut used = BTreeSet::new();
    for edge in edges(&infos) {
        if let (Some(from), Some(to)) = (edge.from.first(), edge.to.first()) {
            used.insert((from.clone(), to.clone()));
        }
    }
    let mut report = String::new();
    for (module, (_, allowed)) in &layers.rows {
        for other in allowed {
            if !used.contains(&(module.clone(), other.clone())) {
                problems.entry((module.clone(), other.clone())).or_default();
                writeln!(report, "the table lets `{module}` import `{other}`, which it does not: take it out").unwrap();
            }
        }
    }
    for ((from, to), places) in problems.iter().filter(|(_, places)| !places.is_empty()) {
        writeln!(report, "`{from}` imports `{to}`, which the layer table does not allow:").unwrap();
        for place in places {
            writeln!(report, "    {place}").unwrap();
        }
    }
    assert!(problems.is_empty(), "{} differences between the imports and the layer table\n{report}", problems.len());
}

/// The strongly connected groups of a small graph with more than one member (Tarjan's algorithm).
fn circles(nodes: &[String], arcs: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        arcs: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on_stack: BTreeSet<String>,
        out: Vec<Vec<String>>,
    }
    fn visit(s: &mut State, v: &String) {
        let i = s.index.len();
        s.index.insert(v.clone(), i);
        s.low.insert(v.clone(), i);
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        for w in s.arcs.get(v).cloned().unwrap_or_default() {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = &w == v;
                group.push(w);
                if done {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.out.push(group);
            }
        }
    }
    let mut state = State {
        arcs,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in nodes {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.out
}

#[test]
fn no_two_parts_of_a_module_import_each_other() {
    let infos = read_sources();
    let all = edges(&infos);
    let mut report = String::new();
    let mut count = 0;
    // Every module that has parts: its own file is one part ("mod.rs"), each child subtree another.
    let parents: BTreeSet<ModPath> =
        infos.keys().filter(|m| !m.is_empty()).map(|m| m[..m.len() - 1].to_vec()).collect();
    for parent in parents.iter().filter(|p| !p.is_empty()) {
        let depth = parent.len();
        let part = |m: &ModPath| -> Option<String> {
            if !m.starts_with(parent) {
                return None;
            }
            Some(m.get(depth).cloned().unwrap_or_else(|| "mod.rs".to_owned()))
        };
        let mut arcs = BTreeMap::<String, BTreeSet<String>>::new();
        let mut examples = BTreeMap::<(String, String), Vec<String>>::new();
        let mut nodes = BTreeSet::new();
        for edge in &all {
            let (Some(a), Some(b)) = (part(&edge.from), part(&edge.to)) else { continue };
            if a == b {
                continue;
            }
            nodes.insert(a.clone());
            nodes.insert(b.clone());
            arcs.entry(a.clone()).or_default().insert(b.clone());
            examples.entry((a, b)).or_default().push(describe(&infos, edge));
        }
        let nodes: Vec<String> = nodes.into_iter().collect();
        for group in circles(&nodes, &arcs) {
            count += 1;
            writeln!(report, "in src/{}: {} import each other:", parent.join("/"), group.join(", ")).unwrap();
            for a in &group {
                for b in &group {
                    if let Some(places) = examples.get(&(a.clone(), b.clone())) {
                        for place in places.iter().take(3) {
                            writeln!(report, "    {place}").unwrap();
                        }
                    }
                }
            }
        }
    }
    assert!(count == 0, "{count} circles of imports\n{report}");
}

/// The checker itself finds what it is meant to: a re-export is followed to the defining file, a
/// `super::` path inside an inline test module resolves to the file, and a circle is found.
#[test]
fn the_checker_sees_what_it_must() {
    let infos = read_sources();
    assert!(infos.len() > 100, "read only {} files", infos.len());
    let all = edges(&infos);
    assert!(all.len() > 500, "found only {} edges", all.len());
    // A path through a re-export lands on the file that defines the item.
    let to = resolve(&infos, &["record".into(), "Exchange".into()], 0).expect("resolves");
    assert_eq!(to, vec!["record".to_owned(), "exchange".to_owned()]);
    let arcs: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]
    .into();
    let nodes: Vec<String> = ["a", "b", "c", "d"].map(String::from).into();
    assert_eq!(circles(&nodes, &arcs), vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]);
}
