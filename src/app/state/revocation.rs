//! The revocation step's side of the page: its settings and what revoking or publishing made,
//! as actions on the state. Revoking and publishing happen in `run::change_revocation`.

use super::AppState;
use crate::pki::cert::check_days;
use crate::pki::crl::Reason;
use crate::workshop::protocol::CoreError;
use crate::workshop::Workshop;
use std::rc::Rc;

pub const CHECK_INPUT: &str = "check-revocation";
pub const CRL_DAYS_INPUT: &str = "crl-days";
pub const REASON_INPUT: &str = "revoke-reason";
/// Where a refusal to revoke or publish shows.
pub const ERROR_ID: &str = "revocation-error";

#[derive(Clone, Debug)]
pub enum RevocationAction {
    SetCheck(bool),
    SetCrlDays(String),
    SetReason(Reason),
    /// The workshop after C revoked B or published its CRLs.
    Changed(Rc<Workshop>),
    Refused(CoreError),
}

pub fn apply(state: &mut AppState, action: RevocationAction) {
    match action {
        RevocationAction::SetCheck(on) => state.settings_mut().check_revocation = on,
        RevocationAction::SetCrlDays(raw) => {
            let parsed = raw.trim().parse::<u32>().ok();
            match parsed.map(|days| (days, check_days(days))) {
                Some((days, Ok(()))) => {
                    state.settings_mut().crl_days = days;
                    state.errors.remove(CRL_DAYS_INPUT);
                    state.drafts.remove(CRL_DAYS_INPUT);
                }
                Some((_, Err(e))) => {
                    state.errors.insert(CRL_DAYS_INPUT.into(), e.to_string());
                    state.drafts.insert(CRL_DAYS_INPUT.into(), raw);
                }
                None => {
                    state.errors.insert(
                        CRL_DAYS_INPUT.into(),
                        "The CRL's validity must be a whole number of days.".into(),
                    );
                    state.drafts.insert(CRL_DAYS_INPUT.into(), raw);
                }
            }
        }
        RevocationAction::SetReason(reason) => state.revoke_reason = reason,
        RevocationAction::Changed(workshop) => {
            state.errors.remove(ERROR_ID);
            state.workshop = workshop;
        }
        RevocationAction::Refused(error) => {
            state.errors.insert(ERROR_ID.into(), error.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::Action;

    fn after(actions: Vec<RevocationAction>) -> Rc<AppState> {
        actions
            .into_iter()
            .fold(Rc::new(AppState::default()), |s, a| {
                s.apply(Action::Revocation(a))
            })
    }

    #[test]
    fn crl_days_take_a_valid_number_and_keep_a_bad_one_as_typed_with_its_message() {
        let state = after(vec![RevocationAction::SetCrlDays("30".into())]);
        assert_eq!(state.workshop.settings.crl_days, 30);
        for bad in ["0", "soon", "99999999"] {
            let state = after(vec![RevocationAction::SetCrlDays(bad.into())]);
            assert_eq!(state.workshop.settings.crl_days, 7, "{bad} changes nothing");
            assert_eq!(state.drafts[CRL_DAYS_INPUT], bad);
            assert!(state.errors.contains_key(CRL_DAYS_INPUT), "{bad}");
        }
        let fixed = after(vec![
            RevocationAction::SetCrlDays("x".into()),
            RevocationAction::SetCrlDays("3".into()),
        ]);
        assert!(!fixed.errors.contains_key(CRL_DAYS_INPUT));
        assert_eq!(fixed.workshop.settings.crl_days, 3);
    }

    #[test]
    fn a_refusal_shows_in_words_until_a_change_lands() {
        let refused = after(vec![RevocationAction::Refused(CoreError::Input {
            field: crate::pki::InputField::Revocation,
            message: "Run step 6 first.".into(),
        })]);
        assert_eq!(refused.errors[ERROR_ID], "Run step 6 first.");
        let changed = refused.apply(Action::Revocation(RevocationAction::Changed(Rc::new(
            Workshop::default(),
        ))));
        assert!(!changed.errors.contains_key(ERROR_ID));
    }
}
