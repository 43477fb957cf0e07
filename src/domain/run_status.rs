//! The integration run status machine: the one place that decides which action moves a run from
//! which status to which.
//!
//! | action          | from                     | to         |
//! |-----------------|--------------------------|------------|
//! | (create)        | —                        | pending    |
//! | run             | pending, paused          | running    |
//! | pause           | pending, running         | paused     |
//! | pending         | running, paused          | pending    |
//! | success, finish | running                  | successful |
//! | fail            | pending, running, paused | failed     |
//!
//! `run` sets the start time when it is empty; the moves to `successful` and `failed` set the end
//! time; `success` and `finish` are refused while the run has unresolved errors. `successful` and
//! `failed` are final. Repeating the action that led to the current status is a no-op that
//! succeeds and changes nothing (safe retries); any other pair is refused, naming the current
//! status and the actions allowed from it.

use std::{fmt, str::FromStr};

/// The status of an integration run; changed only by [`RunAction`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Created or requeued; waiting to run.
    Pending,
    /// Moving documents.
    Running,
    /// Stopped for now; can be resumed.
    Paused,
    /// Finished without unresolved errors (final).
    Successful,
    /// Finished with a failure (final).
    Failed,
}

/// An action that asks a run to change status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunAction {
    /// Start or resume the run.
    Run,
    /// Pause the run.
    Pause,
    /// Requeue the run.
    Pending,
    /// Finish the run successfully.
    Success,
    /// Vendor alias of `Success`.
    Finish,
    /// Finish the run as failed.
    Fail,
}

/// What a permitted action does to a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The run moves to a new status.
    Move {
        /// The status before the action.
        from: RunStatus,
        /// The status after the action.
        to: RunStatus,
        /// Whether the action sets the start time when it is empty.
        sets_start_time: bool,
        /// Whether the action sets the end time.
        sets_end_time: bool,
        /// Whether the action is refused while the run has unresolved errors.
        requires_no_unresolved_errors: bool,
    },
    /// The action repeats the one that led to the current status: success without any change.
    NoOp,
}

/// Why an action was refused: the current status and what is allowed from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionRefused {
    /// The refused action.
    pub action: RunAction,
    /// The run's status when the action was refused.
    pub current: RunStatus,
    /// The actions that would move the run from its current status.
    pub allowed: Vec<RunAction>,
}

impl RunStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [RunStatus; 5] = [
        RunStatus::Pending,
        RunStatus::Running,
        RunStatus::Paused,
        RunStatus::Successful,
        RunStatus::Failed,
    ];

    /// The stored and REST form (`pending`, `running`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Pending => "pending",
            RunStatus::Running => "running",
            RunStatus::Paused => "paused",
            RunStatus::Successful => "successful",
            RunStatus::Failed => "failed",
        }
    }

    /// `successful` and `failed` end a run's life.
    pub fn is_final(self) -> bool {
        matches!(self, RunStatus::Successful | RunStatus::Failed)
    }

    /// The actions that move a run out of this status (no-op repeats excluded).
    pub fn allowed_actions(self) -> Vec<RunAction> {
        RunAction::ALL
            .into_iter()
            .filter(|a| a.target() != self && a.sources().contains(&self))
            .collect()
    }
}

impl RunAction {
    /// Every action, in the vendor's order.
    pub const ALL: [RunAction; 6] = [
        RunAction::Run,
        RunAction::Pause,
        RunAction::Pending,
        RunAction::Success,
        RunAction::Finish,
        RunAction::Fail,
    ];

    /// The vendor's name of the action (`run`, `pause`, …), as in its REST paths.
    pub fn as_str(self) -> &'static str {
        match self {
            RunAction::Run => "run",
            RunAction::Pause => "pause",
            RunAction::Pending => "pending",
            RunAction::Success => "success",
            RunAction::Finish => "finish",
            RunAction::Fail => "fail",
        }
    }

    /// The status this action leads to.
    pub fn target(self) -> RunStatus {
        match self {
            RunAction::Run => RunStatus::Running,
            RunAction::Pause => RunStatus::Paused,
            RunAction::Pending => RunStatus::Pending,
            RunAction::Success | RunAction::Finish => RunStatus::Successful,
            RunAction::Fail => RunStatus::Failed,
        }
    }

    /// The statuses the action may start from.
    fn sources(self) -> &'static [RunStatus] {
        use RunStatus::*;
        match self {
            RunAction::Run => &[Pending, Paused],
            RunAction::Pause => &[Pending, Running],
            RunAction::Pending => &[Running, Paused],
            RunAction::Success | RunAction::Finish => &[Running],
            RunAction::Fail => &[Pending, Running, Paused],
        }
    }
}

/// Decides what `action` does to a run in status `from`.
///
/// Repeating the action that led to the current status is a [`Transition::NoOp`], so clients can
/// retry safely; anything else not in the table is refused.
pub fn transition(from: RunStatus, action: RunAction) -> Result<Transition, TransitionRefused> {
    let to = action.target();
    if from == to {
        return Ok(Transition::NoOp);
    }
    if action.sources().contains(&from) {
        return Ok(Transition::Move {
            from,
            to,
            sets_start_time: action == RunAction::Run,
            sets_end_time: to.is_final(),
            requires_no_unresolved_errors: to == RunStatus::Successful,
        });
    }
    Err(TransitionRefused {
        action,
        current: from,
        allowed: from.allowed_actions(),
    })
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RunAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown run status `{s}`"))
    }
}

/// Reads the vendor's name of an action ([`RunAction::as_str`]: `run`, `pause`, …), as in its
/// REST paths and in stored events.
impl FromStr for RunAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown run action `{s}`"))
    }
}

impl fmt::Display for TransitionRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.allowed.is_empty() {
            write!(
                f,
                "cannot {} a run that is {}: {} is final and allows no action",
                self.action, self.current, self.current
            )
        } else {
            let allowed: Vec<&str> = self.allowed.iter().map(|a| a.as_str()).collect();
            write!(
                f,
                "cannot {} a run that is {}; allowed from {}: {}",
                self.action,
                self.current,
                self.current,
                allowed.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{RunAction as A, RunStatus::*, *};

    /// The table of the module doc, written out apart from the code: (from, action) → Some(to)
    /// for a move, None for a refusal; the no-op repeats are checked separately.
    fn expected(from: RunStatus, action: RunAction) -> Option<RunStatus> {
        match (from, action) {
            (Pending | Paused, A::Run) => Some(Running),
            (Pending | Running, A::Pause) => Some(Paused),
            (Running | Paused, A::Pending) => Some(Pending),
            (Running, A::Success | A::Finish) => Some(Successful),
            (Pending | Running | Paused, A::Fail) => Some(Failed),
            _ => None,
        }
    }

    #[test]
    fn every_status_action_pair_follows_the_table() {
        for from in RunStatus::ALL {
            for action in RunAction::ALL {
                let got = transition(from, action);
                if action.target() == from {
                    assert_eq!(got, Ok(Transition::NoOp), "{from} + {action}");
                    continue;
                }
                match (expected(from, action), got) {
                    (Some(to), Ok(Transition::Move { from: f, to: t, .. })) => {
                        assert_eq!((f, t), (from, to), "{from} + {action}")
                    }
                    (None, Err(refused)) => {
                        assert_eq!(refused.current, from);
                        assert_eq!(refused.action, action);
                        assert_eq!(refused.allowed, from.allowed_actions());
                    }
                    (want, got) => panic!("{from} + {action}: expected {want:?}, got {got:?}"),
                }
            }
        }
    }

    #[test]
    fn repeating_the_action_that_led_here_is_a_no_op() {
        assert_eq!(transition(Running, A::Run), Ok(Transition::NoOp));
        assert_eq!(transition(Paused, A::Pause), Ok(Transition::NoOp));
        assert_eq!(transition(Pending, A::Pending), Ok(Transition::NoOp));
        assert_eq!(transition(Successful, A::Success), Ok(Transition::NoOp));
        assert_eq!(transition(Successful, A::Finish), Ok(Transition::NoOp));
        assert_eq!(transition(Failed, A::Fail), Ok(Transition::NoOp));
    }

    #[test]
    fn final_statuses_allow_nothing_and_say_so() {
        let refused = transition(Successful, A::Fail).unwrap_err();
        assert!(refused.allowed.is_empty());
        assert_eq!(
            refused.to_string(),
            "cannot fail a run that is successful: successful is final and allows no action"
        );
        assert!(transition(Failed, A::Run).is_err());
        assert!(transition(Failed, A::Success).is_err());
    }

    #[test]
    fn a_refusal_names_the_allowed_actions() {
        let refused = transition(Pending, A::Success).unwrap_err();
        assert_eq!(refused.allowed, vec![A::Run, A::Pause, A::Fail]);
        assert_eq!(
            refused.to_string(),
            "cannot success a run that is pending; allowed from pending: run, pause, fail"
        );
        assert_eq!(
            Running.allowed_actions(),
            vec![A::Pause, A::Pending, A::Success, A::Finish, A::Fail]
        );
        assert_eq!(Paused.allowed_actions(), vec![A::Run, A::Pending, A::Fail]);
    }

    #[test]
    fn effects_follow_the_action() {
        let Ok(Transition::Move {
            sets_start_time,
            sets_end_time,
            requires_no_unresolved_errors,
            ..
        }) = transition(Pending, A::Run)
        else {
            panic!("run from pending must move")
        };
        assert!(sets_start_time && !sets_end_time && !requires_no_unresolved_errors);
        let Ok(Transition::Move {
            sets_end_time,
            requires_no_unresolved_errors,
            ..
        }) = transition(Running, A::Finish)
        else {
            panic!("finish from running must move")
        };
        assert!(sets_end_time && requires_no_unresolved_errors);
        let Ok(Transition::Move {
            sets_end_time,
            requires_no_unresolved_errors,
            ..
        }) = transition(Paused, A::Fail)
        else {
            panic!("fail from paused must move")
        };
        assert!(sets_end_time && !requires_no_unresolved_errors);
    }

    #[test]
    fn statuses_round_trip_through_their_stored_form() {
        for s in RunStatus::ALL {
            assert_eq!(s.as_str().parse::<RunStatus>(), Ok(s));
        }
        assert!("done".parse::<RunStatus>().is_err());
    }

    #[test]
    fn actions_round_trip_through_the_vendors_names() {
        for a in RunAction::ALL {
            assert_eq!(a.to_string().parse::<RunAction>(), Ok(a));
        }
        assert_eq!(
            RunAction::ALL.map(RunAction::as_str),
            ["run", "pause", "pending", "success", "finish", "fail"]
        );
        assert!("Run".parse::<RunAction>().is_err());
        assert!("max_updated_at".parse::<RunAction>().is_err());
    }
}
