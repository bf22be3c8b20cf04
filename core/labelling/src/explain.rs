//! Why a condition has its verdict, in a sentence a Commission member
//! reads.
//!
//! The sentence names each fact by its French label, gives the value the
//! application states (with its unit) and the value the criterion asks for,
//! and keeps only the parts that decide the verdict: the failing parts of a
//! failed `all`, the holding parts of a met `any`.

use std::fmt::Write as _;

use crate::condition::{Condition, FactSlots, Verdict, slot};
use crate::facts::{FactDecl, FactType, FactValue};

impl Condition {
    /// Writes why the condition has the verdict `verdict` on the facts: the
    /// parts that decide it, each with the value read and the value asked.
    pub(crate) fn explain(
        &self,
        verdict: Verdict,
        facts: &FactSlots,
        decls: &[FactDecl],
        out: &mut String,
    ) {
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                let is_all = matches!(self, Condition::All(_));
                // The parts that decide the verdict: for a met `all`, every
                // part; for a failed `all`, the failing parts; for a met
                // `any`, the parts that hold; otherwise every part, since
                // each one counts in a failed or unknown `any`.
                let deciding = |v: Verdict| match (is_all, verdict) {
                    (true, Verdict::Met) | (false, Verdict::NotMet) => true,
                    (true, wanted) | (false, wanted @ Verdict::Met) => v == wanted,
                    (false, Verdict::Unknown) => v != Verdict::Met,
                };
                if !is_all && verdict == Verdict::NotMet {
                    out.push_str("none of these holds: ");
                }
                let mut first = true;
                for part in parts {
                    let v = part.judge(facts);
                    if deciding(v) {
                        if !first {
                            out.push_str("; ");
                        }
                        first = false;
                        part.explain(v, facts, decls, out);
                    }
                }
            }
            Condition::Not(inner) => {
                let v = inner.judge(facts);
                out.push_str("it must not be that ");
                inner.explain(v, facts, decls, out);
            }
            Condition::Compare { op, fact, value } => {
                let decl = &decls[fact.index];
                let unit = decl.unit.as_deref();
                let mut wanted = String::new();
                if decl.fact_type == FactType::List {
                    let _ = write!(wanted, "{} ", op.words());
                    value.write_display(None, &mut wanted);
                    wanted.push_str(" entries");
                } else {
                    let _ = write!(wanted, "{} ", op.words());
                    value.write_display(unit, &mut wanted);
                }
                lead(decl, out);
                match (slot(facts, fact.index), verdict) {
                    (None, _) => {
                        let _ = write!(out, " is not stated; it must be {wanted}");
                    }
                    (Some(FactValue::List(items)), v) => {
                        let _ = write!(out, " has {} entries", items.len());
                        if !items.is_empty() {
                            let _ = write!(out, " ({})", items.join(", "));
                        }
                        connect(v, &wanted, out);
                    }
                    (Some(actual), v) => {
                        out.push_str(" is ");
                        actual.write_display(unit, out);
                        connect(v, &wanted, out);
                    }
                }
            }
            Condition::In { fact, values } => {
                let decl = &decls[fact.index];
                let unit = decl.unit.as_deref();
                let mut accepted = String::new();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        accepted.push_str(", ");
                    }
                    v.write_display(unit, &mut accepted);
                }
                lead(decl, out);
                match (slot(facts, fact.index), verdict) {
                    (None, _) => {
                        let _ = write!(out, " is not stated; it must be one of {accepted}");
                    }
                    (Some(actual), Verdict::Met) => {
                        out.push_str(" is ");
                        actual.write_display(unit, out);
                        let _ = write!(out, ", one of {accepted}");
                    }
                    (Some(actual), _) => {
                        out.push_str(" is ");
                        actual.write_display(unit, out);
                        let _ = write!(out, ", but must be one of {accepted}");
                    }
                }
            }
            Condition::Contains { fact, values } => {
                let decl = &decls[fact.index];
                lead(decl, out);
                match slot(facts, fact.index) {
                    None => {
                        let _ =
                            write!(out, " is not stated; it must include {}", values.join(", "));
                    }
                    Some(FactValue::List(items)) => {
                        let missing: Vec<&str> = values
                            .iter()
                            .filter(|v| !items.contains(v))
                            .map(String::as_str)
                            .collect();
                        if missing.is_empty() {
                            let _ = write!(out, " includes {}", values.join(", "));
                        } else {
                            let _ = write!(
                                out,
                                " lacks {} (it must include {})",
                                missing.join(", "),
                                values.join(", ")
                            );
                        }
                    }
                    Some(other) => {
                        out.push_str(" is ");
                        other.write_display(None, out);
                        out.push_str(", not a list");
                    }
                }
            }
            Condition::IsTrue(fact) => {
                let decl = &decls[fact.index];
                lead(decl, out);
                match (slot(facts, fact.index), verdict) {
                    (None, _) => out.push_str(" is not stated; it must be yes"),
                    (Some(_), Verdict::Met) => out.push_str(": yes"),
                    (Some(actual), _) => {
                        out.push_str(" is ");
                        actual.write_display(None, out);
                        out.push_str(", but must be yes");
                    }
                }
            }
            Condition::Present(fact) => {
                let decl = &decls[fact.index];
                lead(decl, out);
                match slot(facts, fact.index) {
                    None => out.push_str(" is not stated, but must be"),
                    Some(actual) => {
                        out.push_str(" is stated (");
                        actual.write_display(decl.unit.as_deref(), out);
                        out.push(')');
                    }
                }
            }
        }
    }
}

fn lead(decl: &FactDecl, out: &mut String) {
    let _ = write!(out, "« {} »", decl.label);
}

fn connect(verdict: Verdict, wanted: &str, out: &mut String) {
    let _ = match verdict {
        Verdict::Met => write!(out, " ({wanted} required)"),
        _ => write!(out, ", but must be {wanted}"),
    };
}
