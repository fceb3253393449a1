//! The lessons as the app runs them: the catalog (fetched the first time the Lessons panel
//! opens: the lesson files and their starting scenarios, none of it in the bundle), the lesson
//! open, and when each of its steps' checkpoint was met.
//!
//! A step is checked from the simulated moment its checkpoint first held, steps in order (a
//! step's checkpoint is looked at once the step before is checked). The moment is kept, so
//! going back on the timeline before it unticks the step, and playing on ticks it again: a
//! checkpoint is a predicate over the engine's state (`kafka_sim::lesson::Checkpoint`), and the
//! engine is deterministic.

use std::rc::Rc;

use kafka_sim::lesson::Lesson;
use kafka_sim::{Command, Engine};

/// A lesson with the text of its starting scenario (a `kafka-sim run` scenario file).
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedLesson {
    pub lesson: Lesson,
    pub scenario: String,
}

/// Where the catalog is.
#[derive(Clone, Debug, Default)]
pub enum Catalog {
    #[default]
    NotLoaded,
    Loading,
    Loaded(Rc<Vec<LoadedLesson>>),
    Failed(String),
}

impl PartialEq for Catalog {
    /// A loaded catalog is the same one, not an equal copy (compared every frame).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Catalog::Loaded(a), Catalog::Loaded(b)) => Rc::ptr_eq(a, b),
            (Catalog::Failed(a), Catalog::Failed(b)) => a == b,
            (Catalog::NotLoaded, Catalog::NotLoaded) | (Catalog::Loading, Catalog::Loading) => true,
            _ => false,
        }
    }
}

/// The lesson open and its steps' progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Its index in the catalog.
    pub lesson: usize,
    /// When each step's checkpoint was met (simulated ms), in step order.
    pub met: Vec<Option<u64>>,
    /// Steps whose "Show me" was done.
    pub shown: Vec<bool>,
    /// "Show me" was pressed on a later step: each step up to (not including) this one is
    /// shown when it becomes the current one.
    pub requested: usize,
}

impl Progress {
    pub fn new(lesson: usize, steps: usize) -> Progress {
        Progress {
            lesson,
            met: vec![None; steps],
            shown: vec![false; steps],
            requested: 0,
        }
    }

    /// The first step not met yet (the one the learner is on).
    pub fn current(&self) -> Option<usize> {
        self.met.iter().position(Option::is_none)
    }

    /// Steps met.
    pub fn done(&self) -> usize {
        self.met.iter().take_while(|m| m.is_some()).count()
    }

    /// Ticks the current step, and the next ones, while their checkpoints hold at `engine`'s
    /// time. Returns whether a step was ticked.
    pub fn observe(&mut self, lesson: &Lesson, engine: &Engine) -> bool {
        let mut ticked = false;
        while let Some(i) = self.current() {
            if !lesson.steps[i].checkpoint.holds(engine) {
                break;
            }
            self.met[i] = Some(engine.now());
            ticked = true;
        }
        ticked
    }

    /// The timeline shows `now`: steps met after it are not met there (and can be shown
    /// again; nothing is waiting to be shown).
    pub fn rewind(&mut self, now: u64) {
        for (m, shown) in self.met.iter_mut().zip(&mut self.shown) {
            if m.is_some_and(|at| at > now) {
                *m = None;
            }
            if m.is_none() {
                *shown = false;
            }
        }
        self.requested = 0;
    }

    /// "Show me" on step `step`: the commands to apply now. The current step is shown at
    /// once; a later one is remembered, and it and the steps before it are shown as each
    /// becomes current ([`Progress::due`]); a step already met needs nothing.
    pub fn show_me(&mut self, lesson: &Lesson, step: usize) -> Vec<Command> {
        match self.current() {
            Some(c) if step == c => self.show(lesson, c),
            Some(c) if step > c => {
                self.requested = self.requested.max(step + 1);
                self.due(lesson)
            }
            _ => Vec::new(),
        }
    }

    /// The commands of the current step if a "Show me" on it or a later step is waiting.
    pub fn due(&mut self, lesson: &Lesson) -> Vec<Command> {
        match self.current() {
            Some(c) if c < self.requested && !self.shown[c] => self.show(lesson, c),
            _ => Vec::new(),
        }
    }

    fn show(&mut self, lesson: &Lesson, step: usize) -> Vec<Command> {
        self.shown[step] = true;
        lesson.steps[step].show_me.clone()
    }
}

/// The lessons' part of the app's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lessons {
    pub catalog: Catalog,
    /// The lesson open, if any.
    pub open: Option<Progress>,
    /// Steps done per lesson id: the most reached, remembered across visits (localStorage).
    pub remembered: Vec<(String, usize)>,
}

impl Lessons {
    /// "Show me" on step `step` of the open lesson: the commands to apply now.
    pub fn show_me(&mut self, step: usize) -> Vec<Command> {
        let (Some(progress), Catalog::Loaded(all)) = (self.open.as_mut(), &self.catalog) else {
            return Vec::new();
        };
        match all.get(progress.lesson) {
            Some(loaded) => progress.show_me(&loaded.lesson, step),
            None => Vec::new(),
        }
    }

    /// The commands of a step that became current with a "Show me" waiting for it.
    pub fn due(&mut self) -> Vec<Command> {
        let (Some(progress), Catalog::Loaded(all)) = (self.open.as_mut(), &self.catalog) else {
            return Vec::new();
        };
        match all.get(progress.lesson) {
            Some(loaded) => progress.due(&loaded.lesson),
            None => Vec::new(),
        }
    }

    /// Looks at the engine after it moved: ticks the open lesson's steps whose checkpoint
    /// holds, and remembers how far the learner got.
    pub fn observe(&mut self, engine: &Engine) {
        let (Some(progress), Catalog::Loaded(all)) = (self.open.as_mut(), &self.catalog) else {
            return;
        };
        let Some(loaded) = all.get(progress.lesson) else {
            return;
        };
        if progress.observe(&loaded.lesson, engine) {
            let done = progress.done();
            let id = &loaded.lesson.id;
            match self.remembered.iter_mut().find(|(i, _)| i == id) {
                Some((_, n)) => *n = (*n).max(done),
                None => self.remembered.push((id.clone(), done)),
            }
        }
    }

    /// The remembered progress as stored: `id=steps` pairs joined by `,` (ids have no `,`/`=`).
    pub fn remembered_text(&self) -> String {
        self.remembered
            .iter()
            .map(|(id, n)| format!("{id}={n}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads what `remembered_text` wrote (anything unreadable is skipped).
    pub fn parse_remembered(text: &str) -> Vec<(String, usize)> {
        text.split(',')
            .filter_map(|pair| {
                let (id, n) = pair.split_once('=')?;
                Some((id.to_string(), n.parse().ok()?))
            })
            .collect()
    }
}

/// A lesson text in `lang`.
pub fn text(t: &kafka_sim::lesson::Text, lang: crate::i18n::Lang) -> &str {
    match lang {
        crate::i18n::Lang::En => &t.en,
        crate::i18n::Lang::PtBr => &t.pt_br,
    }
}

/// The lesson files named by `lessons/index.json`, in order.
pub fn parse_index(text: &str) -> Result<Vec<String>, String> {
    let index = kafka_sim::lesson::parse_index(text).map_err(|e| format!("index.json: {e}"))?;
    Ok(index.lessons.into_iter().map(|e| e.file).collect())
}

/// A lesson file.
pub fn parse_lesson(text: &str) -> Result<Lesson, String> {
    kafka_sim::lesson::parse_lesson(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::timeline::tests::play;
    use crate::state::{Action, SimState, Tab};
    use yew::Reducible;

    /// The repository's lessons, read as the app fetches them.
    fn catalog() -> Rc<Vec<LoadedLesson>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        let files = parse_index(&read("index.json")).unwrap();
        Rc::new(
            files
                .iter()
                .map(|f| {
                    let lesson = parse_lesson(&read(f)).unwrap();
                    let scenario = read(&lesson.scenario);
                    LoadedLesson { lesson, scenario }
                })
                .collect(),
        )
    }

    fn opened(i: usize) -> Rc<SimState> {
        let state = Rc::new(SimState::default());
        let state = state.reduce(Action::LessonsLoaded(Ok(catalog()), Vec::new()));
        state.reduce(Action::OpenLesson(i))
    }

    fn met(state: &SimState) -> Vec<bool> {
        let open = state.lessons.open.as_ref().unwrap();
        open.met.iter().map(Option::is_some).collect()
    }

    #[test]
    fn show_me_on_the_last_step_plays_the_whole_lesson_and_going_back_unticks() {
        let state = opened(0);
        assert_eq!(state.tab, Tab::Lessons);
        let steps = met(&state).len();
        assert!(
            met(&state).iter().all(|m| !m),
            "nothing is ticked at the start"
        );
        let start = state.engine().now();
        // Pressed on the last step: each step is done as it becomes the current one.
        let mut state = state.reduce(Action::ShowMe(steps - 1));
        for _ in 0..60 {
            if met(&state).iter().all(|m| *m) {
                break;
            }
            state = play(state, 5_000);
        }
        assert!(met(&state).iter().all(|m| *m), "{:?}", met(&state));
        let remembered = &state.lessons.remembered.clone();
        assert_eq!(remembered, &[("events-and-decoupling".to_string(), steps)]);
        let parsed = Lessons::parse_remembered(&state.lessons.remembered_text());
        assert_eq!(&parsed, remembered);
        // Back to the lesson's start: every step is unticked; the progress made is kept.
        let back = state.reduce(Action::Seek(start));
        assert!(met(&back).iter().all(|m| !m), "{:?}", met(&back));
        assert_eq!(back.lessons.remembered, *remembered);
    }

    #[test]
    fn show_me_on_a_met_step_does_nothing() {
        let state = opened(1);
        let state = state.reduce(Action::ShowMe(0));
        let state = play(state, 20_000);
        assert!(met(&state)[0]);
        let commands = state.run().steps.len();
        let again = state.reduce(Action::ShowMe(0));
        assert_eq!(again.run().steps.len(), commands, "no command given again");
    }
}
