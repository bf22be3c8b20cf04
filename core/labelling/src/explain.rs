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
                // The value asked for closes every sentence, so it is
                // written last, straight into the sentence.
                let wanted = |out: &mut String| {
                    out.push_str(op.words());
                    out.push(' ');
                    if decl.fact_type == FactType::List {
                        value.write_display(None, out);
                        let one = matches!(value, FactValue::Number(n) if *n == 1.0);
                        out.push_str(if one { " entry" } else { " entries" });
                    } else {
                        value.write_display(unit, out);
                    }
                };
                lead(decl, out);
                match slot(facts, fact.index) {
                    None => {
                        out.push_str(" is not stated; it must be ");
                        wanted(out);
                    }
                    Some(actual) => {
                        if let FactValue::List(items) = actual {
                            let noun = if items.len() == 1 { "entry" } else { "entries" };
                            let _ = write!(out, " has {} {noun}", items.len());
                            if !items.is_empty() {
                                out.push_str(" (");
                                join(items, out);
                                out.push(')');
                            }
                        } else {
                            out.push_str(" is ");
                            actual.write_display(unit, out);
                        }
                        if verdict == Verdict::Met {
                            out.push_str(" (");
                            wanted(out);
                            out.push_str(" required)");
                        } else {
                            out.push_str(", but must be ");
                            wanted(out);
                        }
                    }
                }
            }
            Condition::In { fact, values } => {
                let decl = &decls[fact.index];
                let unit = decl.unit.as_deref();
                lead(decl, out);
                match slot(facts, fact.index) {
                    None => out.push_str(" is not stated; it must be one of "),
                    Some(actual) => {
                        out.push_str(" is ");
                        actual.write_display(unit, out);
                        out.push_str(if verdict == Verdict::Met {
                            ", one of "
                        } else {
                            ", but must be one of "
                        });
                    }
                }
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_display(unit, out);
                }
            }
            Condition::Contains { fact, values } => {
                let decl = &decls[fact.index];
                lead(decl, out);
                match slot(facts, fact.index) {
                    None => {
                        out.push_str(" is not stated; it must include ");
                        join(values, out);
                    }
                    Some(FactValue::List(items)) => {
                        if values.iter().all(|v| items.contains(v)) {
                            out.push_str(" includes ");
                        } else {
                            out.push_str(" lacks ");
                            let mut first = true;
                            for v in values.iter().filter(|v| !items.contains(v)) {
                                if !first {
                                    out.push_str(", ");
                                }
                                first = false;
                                out.push_str(v);
                            }
                            out.push_str(" (it must include ");
                            join(values, out);
                            out.push(')');
                            return;
                        }
                        join(values, out);
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
    out.push_str("« ");
    out.push_str(&decl.label);
    out.push_str(" »");
}

fn join(items: &[String], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
}
