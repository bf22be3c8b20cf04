//! What keeps a plugin in its box: the memory cap, the wall-clock deadline,
//! and the imports it is denied.
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
use wasmtime::component::{Component, Linker, LinkerInstance, ResourceType};
use wasmtime::{Engine, ResourceLimiter};

/// The data of one plugin call's store.
#[derive(Debug)]
pub(crate) struct StoreState {
    pub(crate) limiter: MemoryLimiter,
}

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

/// Defines every import of `component` as a function that fails with
/// [`ForbiddenImport`], except `wasi:cli/environment`, which gets an empty
/// environment, no arguments and no working directory.
///
/// Components built for `wasm32-wasip2` import parts of WASI (stdio,
/// environment, clocks, files) whether or not the plugin uses them, so
/// refusing them at load would refuse every plugin; denying them at call
/// time gives no plugin a file, a socket or a clock, and names what it
/// tried.
///
/// FIXME: CPython components (componentize-py) ask for `wasi:random` at
/// start-up and are refused; running them needs a deterministic shim for
/// randomness and clocks.
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
        ComponentItem::ComponentFunc(_) => deny_func(linker, name, parent)?,
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
