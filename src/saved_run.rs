//! The run kept in the browser between visits, and shared links opened at start or pasted later.
//!
//! At start, a shared link (`#run=...`) opens its run; or else the run kept by the last visit of
//! this cluster resumes where it was, with its branches. A link pasted into the address bar of
//! the open page opens too (`hashchange`). The page keeps its own run (and branches) in
//! localStorage as it goes, but only once the run on screen is its own: until then a refused
//! link, or the kept run of another cluster (`?scenario=large`), leaves what was kept as it was,
//! and the page's fresh cluster replaces it only when the user gives a command.

use gloo::events::EventListener;
use gloo::storage::Storage;
use yew::prelude::*;

use crate::i18n::{self, Lang};
use crate::opening::Preset;
use crate::share;
use crate::state::run::Run;
use crate::state::timeline::Branch;
use crate::state::{Action, SimState};

/// The key of the `i`th branch kept beside the run (`kafkascope.run.branch.0`, ...).
fn branch_key(i: usize) -> String {
    format!("{}.branch.{i}", share::STORAGE_KEY)
}

/// Opens the run at start, follows links pasted later, and keeps the page's run.
#[hook]
pub fn use_saved_run(state: &UseReducerHandle<SimState>, dispatch: Callback<Action>, lang: Lang) {
    let preset = state.preset;
    // Nothing was kept that this page should leave alone (nothing, or nothing readable).
    let nothing_kept = use_mut_ref(|| false);
    // The language now, for what a link pasted later says.
    let lang_now = use_mut_ref(|| lang);
    *lang_now.borrow_mut() = lang;
    {
        let nothing_kept = nothing_kept.clone();
        use_effect_with((), move |_| {
            let fragment = gloo::utils::window().location().hash().unwrap_or_default();
            if fragment.starts_with(share::LINK_PREFIX) {
                open_link(fragment, dispatch.clone(), lang);
            } else {
                *nothing_kept.borrow_mut() = resume(preset, &dispatch, lang);
            }
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                let fragment = gloo::utils::window().location().hash().unwrap_or_default();
                if fragment.starts_with(share::LINK_PREFIX) {
                    open_link(fragment, dispatch.clone(), *lang_now.borrow());
                }
            });
            move || drop(listener)
        });
    }
    // While playing, every two seconds or so (the panels refresh four times a second); while
    // paused, on every change (a step, a seek), so that a reload finds the moment on screen.
    let deps = (
        state.panels_version / 8,
        state.run().steps.len(),
        state.timeline().branches.len(),
        (!state.clock.playing).then_some(state.engine().now()),
        state.opened_a_run,
    );
    let state = state.clone();
    use_effect_with(deps, move |_| {
        let own = *nothing_kept.borrow()
            || state.opened_a_run
            || !state.run().steps.is_empty()
            || !state.timeline().branches.is_empty();
        if own {
            keep(&state);
        }
    });
}

/// Unpacks the link's run and opens it, or says why it cannot (the run on screen stays).
fn open_link(fragment: String, dispatch: Callback<Action>, lang: Lang) {
    yew::platform::spawn_local(async move {
        match share::from_fragment(&fragment).await {
            Some(Ok(text)) => dispatch.emit(Action::Import(text)),
            Some(Err(e)) => dispatch.emit(Action::Refuse(i18n::trf(
                lang,
                "Cannot open the link: {}.",
                &[&e],
            ))),
            None => {}
        }
    });
}

/// Resumes the run the last visit of this cluster kept, with its branches. Returns whether
/// nothing was kept that this page must leave alone.
fn resume(preset: Preset, dispatch: &Callback<Action>, lang: Lang) -> bool {
    let Ok(Some(text)) = gloo::storage::LocalStorage::raw().get_item(share::STORAGE_KEY) else {
        return true;
    };
    match Run::import(lang, &text) {
        Ok((run, until)) if Preset::of(&run.opening) == Some(preset) => {
            dispatch.emit(Action::Open(Box::new(run), until, kept_branches(lang)));
            false
        }
        // Another cluster's run: kept for its page.
        Ok(_) => false,
        Err(e) => {
            dispatch.emit(Action::Refuse(i18n::trf(
                lang,
                "Could not resume the last run: {}.",
                &[&e],
            )));
            true
        }
    }
}

/// The branches kept beside the run (one that cannot be read any more is left out).
fn kept_branches(lang: Lang) -> Vec<Branch> {
    let storage = gloo::storage::LocalStorage::raw();
    let mut branches = Vec::new();
    for i in 0.. {
        let Ok(Some(text)) = storage.get_item(&branch_key(i)) else {
            break;
        };
        if let Ok((run, end_ms)) = Run::import(lang, &text) {
            branches.push(Branch { run, end_ms });
        }
    }
    branches
}

/// Keeps the run at the moment on screen and its branches (a full storage is ignored: the
/// page goes on, a reload then finds the last run kept).
fn keep(state: &SimState) {
    let storage = gloo::storage::LocalStorage::raw();
    let _ = storage.set_item(
        share::STORAGE_KEY,
        &state.run().export(state.engine().now()),
    );
    let timeline = state.timeline();
    for (i, b) in timeline.branches.iter().enumerate() {
        let _ = storage.set_item(&branch_key(i), &b.run.export(b.end_ms));
    }
    // The keys of branches there are no more.
    let mut i = timeline.branches.len();
    while storage.get_item(&branch_key(i)).ok().flatten().is_some() {
        let _ = storage.remove_item(&branch_key(i));
        i += 1;
    }
}
