//! Templates that would render forever: one that includes or imports
//! itself, directly or through others, and a macro that calls itself.
//! Tera would overflow the stack and take the whole program down with it,
//! so these are found in the parsed templates before anything is rendered.
//! (Tera itself reports templates that extend each other in a loop.)
//! Recursive macros are refused even with a base case: Concord cannot tell
//! whether it ends.

use std::collections::{BTreeMap, HashMap};

use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// A loop among templates or macros, in order, the first repeated at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cycle {
    Templates(Vec<String>),
    /// As `template::macro`.
    Macros(Vec<String>),
    /// Templates and macros (a macro that includes a template that calls it).
    Mixed(Vec<String>),
}

impl Cycle {
    pub fn steps(&self) -> &[String] {
        match self {
            Cycle::Templates(steps) | Cycle::Macros(steps) | Cycle::Mixed(steps) => steps,
        }
    }
}

/// The first loop found, if any, visiting templates in name order. One
/// graph holds templates and macros: a template leads to what it includes
/// and imports and to the macros it calls; a macro to what it includes and
/// calls.
pub fn find(tera: &Tera) -> Option<Cycle> {
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in tera.get_template_names() {
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        let imports: HashMap<&str, &str> = template
            .imported_macro_files
            .iter()
            .map(|(file, namespace)| (namespace.as_str(), file.as_str()))
            .collect();
        let callee = |(namespace, callee): (String, String)| {
            let file = if namespace == "self" {
                name
            } else {
                imports.get(namespace.as_str())?
            };
            Some(format!("{file}::{callee}"))
        };
        let mut uses = Uses::default();
        uses.nodes(&template.ast);
        let mut next = uses.templates;
        next.extend(imports.values().map(|file| file.to_string()));
        next.extend(uses.macros.into_iter().filter_map(callee));
        edges.insert(name.to_string(), next);
        for (macro_name, definition) in &template.macros {
            let mut calls = Uses::default();
            calls.nodes(&definition.body);
            let mut next = calls.templates;
            next.extend(calls.macros.into_iter().filter_map(callee));
            edges.insert(format!("{name}::{macro_name}"), next);
        }
    }
    first_cycle(&edges).map(|steps| {
        let macros = steps.iter().filter(|step| step.contains("::")).count();
        if macros == 0 {
            Cycle::Templates(steps)
        } else if macros == steps.len() {
            Cycle::Macros(steps)
        } else {
            Cycle::Mixed(steps)
        }
    })
}

/// What a piece of a template names: templates it includes, macros it calls.
#[derive(Default)]
struct Uses {
    templates: Vec<String>,
    /// (namespace, name)
    macros: Vec<(String, String)>,
}

impl Uses {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Include(_, names, _) => self.templates.extend(names.iter().cloned()),
            Node::VariableBlock(_, expr) => self.expr(expr),
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                section.filter.args.values().for_each(|e| self.expr(e));
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container);
                self.nodes(&forloop.body);
                if let Some(empty) = &forloop.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(condition, _) => {
                for (_, expr, body) in &condition.conditions {
                    self.expr(expr);
                    self.nodes(body);
                }
                if let Some((_, body)) = &condition.otherwise {
                    self.nodes(body);
                }
            }
            // A macro's body is its own, looked at on its own.
            Node::MacroDefinition(..)
            | Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn expr(&mut self, expr: &Expr) {
        self.value(&expr.val);
        for filter in &expr.filters {
            filter.args.values().for_each(|e| self.expr(e));
        }
    }

    fn value(&mut self, value: &ExprVal) {
        match value {
            ExprVal::MacroCall(call) => {
                self.macros
                    .push((call.namespace.clone(), call.name.clone()));
                call.args.values().for_each(|e| self.expr(e));
            }
            ExprVal::Math(math) => {
                self.expr(&math.lhs);
                self.expr(&math.rhs);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs);
                self.expr(&logic.rhs);
            }
            ExprVal::In(within) => {
                self.expr(&within.lhs);
                self.expr(&within.rhs);
            }
            ExprVal::Test(test) => test.args.iter().for_each(|e| self.expr(e)),
            ExprVal::FunctionCall(call) => call.args.values().for_each(|e| self.expr(e)),
            ExprVal::Array(items) => items.iter().for_each(|e| self.expr(e)),
            ExprVal::StringConcat(concat) => concat.values.iter().for_each(|v| self.value(v)),
            ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => {}
        }
    }
}

/// The first loop in a graph of named nodes, by depth-first search.
fn first_cycle(edges: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    let mut done: HashMap<&str, bool> = HashMap::new();
    let mut path: Vec<&str> = Vec::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut done, &mut path))
}

/// `done[node]` is false while `node` is on the current path, true once finished.
fn visit<'g>(
    node: &'g str,
    edges: &'g BTreeMap<String, Vec<String>>,
    done: &mut HashMap<&'g str, bool>,
    path: &mut Vec<&'g str>,
) -> Option<Vec<String>> {
    match done.get(node) {
        Some(false) => {
            let start = path.iter().position(|n| *n == node).unwrap_or(0);
            let mut cycle: Vec<String> = path[start..].iter().map(|n| n.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        Some(true) => return None,
        None => {}
    }
    done.insert(node, false);
    path.push(node);
    for next in edges.get(node).into_iter().flatten() {
        if let Some(cycle) = visit(next, edges, done, path) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(node, true);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied()).unwrap();
        tera
    }

    #[test]
    fn a_template_that_includes_itself() {
        let found = find(&tera(&[("a.html", "x{% include \"a.html\" %}")]));
        assert_eq!(
            found,
            Some(Cycle::Templates(vec!["a.html".into(), "a.html".into()]))
        );
    }

    #[test]
    fn templates_that_include_each_other_inside_blocks_and_loops() {
        let found = find(&tera(&[
            (
                "a.html",
                "{% for i in x %}{% include \"b.html\" %}{% endfor %}",
            ),
            ("b.html", "{% if y %}{% include \"a.html\" %}{% endif %}"),
        ]));
        assert_eq!(
            found,
            Some(Cycle::Templates(vec![
                "a.html".into(),
                "b.html".into(),
                "a.html".into()
            ]))
        );
    }

    #[test]
    fn a_macro_that_calls_itself_through_another() {
        let found = find(&tera(&[(
            "m.html",
            "{% macro a(n) %}{{ self::b(n=n) }}{% endmacro %}{% macro b(n) %}{% if n %}{{ self::a(n=n) }}{% endif %}{% endmacro %}",
        )]));
        assert_eq!(
            found,
            Some(Cycle::Macros(vec![
                "m.html::a".into(),
                "m.html::b".into(),
                "m.html::a".into()
            ]))
        );
    }

    #[test]
    fn a_macro_that_includes_a_template_that_calls_it() {
        let found = find(&tera(&[
            (
                "m.html",
                "{% macro a() %}{% include \"card.html\" %}{% endmacro %}",
            ),
            ("card.html", "{% import \"m.html\" as m %}{{ m::a() }}"),
        ]));
        assert!(matches!(found, Some(Cycle::Mixed(_))), "{found:?}");
    }

    #[test]
    fn ordinary_templates_have_no_loop() {
        let found = find(&tera(&[
            ("base.html", "{% block content %}{% endblock content %}"),
            ("m.html", "{% macro card(a) %}{{ a }}{% endmacro %}"),
            ("page.html", "{% extends \"base.html\" %}{% import \"m.html\" as m %}{% block content %}{{ m::card(a=1) }}{% include \"part.html\" %}{% endblock content %}"),
            ("part.html", "part"),
        ]));
        assert_eq!(found, None);
    }
}
