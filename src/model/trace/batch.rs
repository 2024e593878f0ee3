//! A few users' events back to back, for work that goes user by user
//! without ever holding a whole [`super::Trace`]: a replicate's generated
//! users are simulated as they come, a group at a time.

use super::Event;

/// Some users' events back to back; the buffers are kept between uses.
#[derive(Clone, Debug, Default)]
pub struct UserBatch {
    /// `ends[i]` is where user `i`'s events end in `events`.
    pub ends: Vec<usize>,
    pub events: Vec<Event>,
}

impl UserBatch {
    /// Empties the batch, keeping its memory for the next users.
    pub fn clear(&mut self) {
        self.ends.clear();
        self.events.clear();
    }

    /// Closes the user whose events were pushed since the last one.
    pub fn end_user(&mut self) {
        self.ends.push(self.events.len());
    }

    pub fn num_users(&self) -> usize {
        self.ends.len()
    }

    /// Each user's events, in order.
    pub fn users(&self) -> impl Iterator<Item = &[Event]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(from, &to)| &self.events[from..to])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    #[test]
    fn users_come_back_in_order_and_clear_keeps_nothing() {
        let mut batch = UserBatch::default();
        batch.events.push(Event::new(5, EventKind::View));
        batch.end_user();
        batch.end_user(); // a user with no events
        batch.events.push(Event::new(7, EventKind::Submit));
        batch.events.push(Event::new(9, EventKind::Close));
        batch.end_user();
        let lens: Vec<usize> = batch.users().map(<[Event]>::len).collect();
        assert_eq!(lens, [1, 0, 2]);
        assert_eq!(batch.users().nth(2).map(|u| u[1].time()), Some(9));
        batch.clear();
        assert_eq!((batch.num_users(), batch.users().count()), (0, 0));
    }
}
