//! What keeps a plugin in its box: the memory cap, the wall-clock deadline,
//! the imports it is denied, and the few it gets in a deterministic form.
//!
//! Each call gets a fresh store whose [`StoreState`] carries the memory
//! limiter, so no state survives between calls or leaks between sites.
//! Deadlines use epoch interruption: one thread per host ticks the
//! engine's epoch, and each store traps once its deadline in ticks has
//! passed, in start-up code as in a call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, ComponentType, Linker, LinkerInstance, Lower, ResourceType};
use wasmtime::{Engine, ResourceLimiter};

/// The data of one plugin call's store.
#[derive(Debug)]
pub(crate) struct StoreState {
    pub(crate) limiter: MemoryLimiter,
    /// The generator behind `wasi:random`, started anew with each store.
    pub(crate) random: Deterministic,
}

/// The numbers a plugin gets from `wasi:random`: a fixed sequence
/// (SplitMix64 from a constant seed), the same in every fresh instance.
///
/// Language runtimes ask for random bytes before running any of the
/// plugin's code (CPython seeds its string hashing with them), so a plugin
/// that got none could not start. A plugin has no secret to keep: it sees
/// published aggregates and returns a document that is checked. A fixed
/// sequence keeps its output a function of its input alone, so that the
/// same report comes out twice the same.
#[derive(Debug, Clone)]
pub(crate) struct Deterministic(u64);

impl Default for Deterministic {
    fn default() -> Self {
        // Any constant would do; this one spells "espaces-".
        Deterministic(0x6573_7061_6365_732d)
    }
}

impl Deterministic {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            let word = self.next_u64().to_le_bytes();
            let take = word.len().min(len - out.len());
            out.extend_from_slice(&word[..take]);
        }
        out
    }
}

/// The time a plugin reads from `wasi:clocks`: wall clock and monotonic
/// clock both stand still at zero (1970-01-01T00:00:00Z), so that nothing
/// in a report depends on when it was drawn; the period a report covers is
/// in its input.
#[derive(Debug, Clone, Copy, ComponentType, Lower)]
#[component(record)]
struct Datetime {
    seconds: u64,
    nanoseconds: u32,
}

const FROZEN: Datetime = Datetime {
    seconds: 0,
    nanoseconds: 0,
};

/// The resolution the frozen clocks report: one second, the coarsest that
/// still reads as a clock to the runtimes that check it.
const FROZEN_RESOLUTION_NS: u64 = 1_000_000_000;

/// Refuses memory and tables past the plugin's cap, and remembers that it
/// did, so that the trap that follows is reported as what it is.
#[derive(Debug)]
pub(crate) struct MemoryLimiter {
    pub(crate) cap: u64,
    /// The size a refused growth asked for.
    pub(crate) refused: Option<u64>,
}

/// A component made by the usual toolchains holds a handful of core
/// instances, memories and tables; these bounds leave room for them and
/// nothing more.
const MAX_INSTANCES: usize = 64;
const MAX_TABLES: usize = 64;
const MAX_MEMORIES: usize = 16;
const MAX_TABLE_ELEMENTS: usize = 1 << 20;

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let desired = desired as u64;
        if desired > self.cap {
            // Failing the growth rather than trapping at once lets a
            // plugin that checks its allocations degrade gracefully; one
            // that does not traps right after, and `refused` names why.
            self.refused = Some(desired);
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

/// The error a denied import raises when a plugin calls it.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not given to plugins")]
pub(crate) struct ForbiddenImport(pub(crate) String);

/// The error a plugin gets when it asks a given import for more than it
/// could hold.
#[derive(Debug, thiserror::Error)]
#[error("it asked `{import}` for {asked} bytes, more than its memory cap of {cap}")]
pub(crate) struct Oversized {
    pub(crate) import: &'static str,
    pub(crate) asked: u64,
    pub(crate) cap: u64,
}

/// Defines every import of `component` as a function that fails with
/// [`ForbiddenImport`], except the few given in a form that tells nothing
/// about the machine and does not change from one run to the next:
///
/// - `wasi:cli/environment`: an empty environment, no arguments and no
///   working directory;
/// - `wasi:random/random`, `wasi:random/insecure` and
///   `wasi:random/insecure-seed`: the fixed sequence of [`Deterministic`];
/// - `now` and `resolution` of `wasi:clocks/wall-clock` and
///   `wasi:clocks/monotonic-clock`: clocks frozen at zero (see
///   [`FROZEN`]); waiting on a clock is denied.
///
/// Components built for `wasm32-wasip2` import parts of WASI (stdio,
/// environment, clocks, files) whether or not the plugin uses them, so
/// refusing them at load would refuse every plugin; denying them at call
/// time gives no plugin a file, a socket or a real clock, and names what
/// it tried.
pub(crate) fn deny_imports(
    engine: &Engine,
    linker: &mut Linker<StoreState>,
    component: &Component,
) -> wasmtime::Result<()> {
    let ty = component.component_type();
    let mut root = linker.root();
    for (name, item) in ty.imports(engine) {
        deny_item(engine, &mut root, name, None, item.ty)?;
    }
    Ok(())
}

fn deny_item(
    engine: &Engine,
    linker: &mut LinkerInstance<'_, StoreState>,
    name: &str,
    parent: Option<&str>,
    item: ComponentItem,
) -> wasmtime::Result<()> {
    match item {
        ComponentItem::ComponentFunc(_)
            if parent.is_some_and(|p| p.starts_with("wasi:cli/environment@")) =>
        {
            // An empty environment gives nothing away, and language
            // runtimes (CPython, for one) read it before running any of the
            // plugin's code.
            match name {
                "get-environment" => {
                    linker.func_wrap(name, |_, (): ()| Ok((Vec::<(String, String)>::new(),)))?
                }
                "get-arguments" => {
                    linker.func_wrap(name, |_, (): ()| Ok((Vec::<String>::new(),)))?
                }
                "initial-cwd" => linker.func_wrap(name, |_, (): ()| Ok((None::<String>,)))?,
                _ => deny_func(linker, name, parent)?,
            }
        }
        ComponentItem::ComponentFunc(_) => match parent {
            Some(p) if !give_func(linker, name, p)? => deny_func(linker, name, parent)?,
            Some(_) => {}
            None => deny_func(linker, name, parent)?,
        },
        ComponentItem::ComponentInstance(instance) => {
            let mut inner = linker.instance(name)?;
            for (export, item) in instance.exports(engine) {
                deny_item(engine, &mut inner, export, Some(name), item.ty)?;
            }
        }
        ComponentItem::Resource(_) => {
            // No function can make one, so the type is never inhabited.
            linker.resource(name, ResourceType::host::<ForbiddenResource>(), |_, _| {
                Ok(())
            })?;
        }
        // Types, modules and components need no definition to link, or
        // fail to link with the engine's own message.
        _ => {}
    }
    Ok(())
}

/// Defines function `name` of WASI interface `interface` when plugins are
/// given it (see [`deny_imports`]); false when they are not.
fn give_func(
    linker: &mut LinkerInstance<'_, StoreState>,
    name: &str,
    interface: &str,
) -> wasmtime::Result<bool> {
    let interface = interface.split_once('@').map_or(interface, |(i, _)| i);
    match (interface, name) {
        ("wasi:random/random", "get-random-bytes")
        | ("wasi:random/insecure", "get-insecure-random-bytes") => {
            linker.func_wrap(name, |mut store, (len,): (u64,)| {
                let state = store.data_mut();
                // The bytes are made here before the plugin can refuse
                // them, so a plugin asking for more than it may hold is
                // stopped before the host allocates them.
                let cap = state.limiter.cap;
                let Ok(wanted) = usize::try_from(len)
                    .map_err(drop)
                    .and_then(|n| if len <= cap { Ok(n) } else { Err(()) })
                else {
                    return Err(wasmtime::Error::new(Oversized {
                        import: "wasi:random",
                        asked: len,
                        cap,
                    }));
                };
                Ok((state.random.bytes(wanted),))
            })?;
        }
        ("wasi:random/random", "get-random-u64")
        | ("wasi:random/insecure", "get-insecure-random-u64") => {
            linker.func_wrap(name, |mut store, (): ()| {
                Ok((store.data_mut().random.next_u64(),))
            })?;
        }
        ("wasi:random/insecure-seed", "insecure-seed") => {
            linker.func_wrap(name, |mut store, (): ()| {
                let random = &mut store.data_mut().random;
                Ok(((random.next_u64(), random.next_u64()),))
            })?;
        }
        ("wasi:clocks/wall-clock", "now") => {
            linker.func_wrap(name, |_, (): ()| Ok((FROZEN,)))?;
        }
        ("wasi:clocks/wall-clock", "resolution") => {
            linker.func_wrap(name, |_, (): ()| {
                Ok((Datetime {
                    seconds: FROZEN_RESOLUTION_NS / 1_000_000_000,
                    nanoseconds: 0,
                },))
            })?;
        }
        ("wasi:clocks/monotonic-clock", "now") => {
            linker.func_wrap(name, |_, (): ()| Ok((0u64,)))?;
        }
        ("wasi:clocks/monotonic-clock", "resolution") => {
            linker.func_wrap(name, |_, (): ()| Ok((FROZEN_RESOLUTION_NS,)))?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn deny_func(
    linker: &mut LinkerInstance<'_, StoreState>,
    name: &str,
    parent: Option<&str>,
) -> wasmtime::Result<()> {
    let full = match parent {
        Some(p) => format!("{p}#{name}"),
        None => name.to_owned(),
    };
    linker.func_new(name, move |_, _, _, _| {
        Err(wasmtime::Error::new(ForbiddenImport(full.clone())))
    })
}

/// Stands for the resources of denied interfaces.
struct ForbiddenResource;

/// The thread that moves the engine's epoch forward once per tick.
#[derive(Debug)]
pub(crate) struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    pub(crate) fn start(engine: &Engine, tick: Duration) -> std::io::Result<Ticker> {
        let stop = Arc::new(AtomicBool::new(false));
        let engine = engine.clone();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("em-plugin-epoch".to_owned())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::park_timeout(tick);
                    engine.increment_epoch();
                }
            })?;
        Ok(Ticker {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            // A panic in a loop that only sleeps and ticks is impossible;
            // there is nothing to report if it happened.
            let _ = thread.join();
        }
    }
}

/// The number of ticks that covers `deadline`: one more than the quotient,
/// because the first tick may come right after the deadline is set.
pub(crate) fn deadline_ticks(deadline: Duration, tick: Duration) -> u64 {
    let tick = tick.as_nanos().max(1);
    let ticks = deadline.as_nanos().div_ceil(tick);
    u64::try_from(ticks).unwrap_or(u64::MAX - 1) + 1
}
