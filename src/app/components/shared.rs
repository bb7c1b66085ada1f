//! An `Rc` in props, compared by pointer: the same value, not an equal one. Comparing is then
//! free however big the value, and a new value is always a change.

use std::ops::Deref;
use std::rc::Rc;

#[derive(Debug, Default)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<Rc<T>> for Shared<T> {
    fn from(rc: Rc<T>) -> Self {
        Shared(rc)
    }
}

/// Step 8's runs, made once per workshop generation and shared, so that the views drawn from
/// them compare by pointer.
pub type Runs = Shared<Vec<(crate::workshop::lab::LabScenario, Rc<crate::tls::Outcome>)>>;
