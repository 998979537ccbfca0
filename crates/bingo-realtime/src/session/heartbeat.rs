//! How a session finds out that its client has gone (a phone that lost its network says
//! nothing): pings only for clients that were sent nothing for a period, so that a hall of phones
//! following a game costs no ping traffic at all ([`crate::Heartbeat`] has the periods).

use crate::Heartbeat;
use std::time::Duration;
use tokio::time::{Instant, Interval, MissedTickBehavior};

/// What the heartbeat does at a tick.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Beat {
    /// Nothing: the client answered, or it was sent something since the last tick (its TCP
    /// acknowledges that, or the kernel closes the socket: [`Heartbeat::unacknowledged_limit`]).
    Quiet,
    /// Send a ping: nothing went to the client for a whole period.
    Ping,
    /// Close: a ping has gone unanswered for too long.
    Gone,
}

/// A connection's heartbeat state.
struct Liveness {
    answer_within: Duration,
    /// Something was sent to the client since the last tick.
    wrote: bool,
    /// When the ping still waiting for an answer was sent.
    ping_sent: Option<Instant>,
}

impl Liveness {
    fn new(answer_within: Duration) -> Self {
        Liveness { answer_within, wrote: false, ping_sent: None }
    }

    fn tick(&mut self, now: Instant) -> Beat {
        let wrote = std::mem::take(&mut self.wrote);
        match self.ping_sent {
            Some(sent) if now.saturating_duration_since(sent) >= self.answer_within => Beat::Gone,
            Some(_) => Beat::Quiet,
            None if wrote => Beat::Quiet,
            None => {
                self.ping_sent = Some(now);
                Beat::Ping
            }
        }
    }
}

/// A session's heartbeat: ticks every period, the first a whole period after the welcome (an
/// interval's first tick is immediate: a ping right after the welcome would cost every
/// connecting client a write for nothing).
pub(crate) struct Pacemaker {
    ticks: Interval,
    liveness: Liveness,
}

impl Pacemaker {
    pub(crate) fn new(heartbeat: Heartbeat) -> Self {
        let every = heartbeat.ping_every;
        let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Pacemaker { ticks, liveness: Liveness::new(heartbeat.answer_within()) }
    }

    /// Something was sent to the client.
    pub(crate) fn wrote(&mut self) {
        self.liveness.wrote = true;
    }

    /// Anything from the client (a pong, a message) shows it is there.
    pub(crate) fn heard(&mut self) {
        self.liveness.ping_sent = None;
    }

    /// Waits for the next tick and says what to do.
    pub(crate) async fn beat(&mut self) -> Beat {
        let now = self.ticks.tick().await;
        self.liveness.tick(now)
    }
}

#[cfg(test)]
mod tests {
    use super::{Beat, Pacemaker};
    use crate::Heartbeat;
    use std::time::Duration;
    use tokio::time::Instant;

    const PERIOD: Duration = Duration::from_secs(15);

    fn pacemaker() -> Pacemaker {
        Pacemaker::new(Heartbeat { ping_every: PERIOD })
    }

    /// The next beat, and how long after `start` it came (tokio's paused clock: no waiting).
    async fn next(pacemaker: &mut Pacemaker, start: Instant) -> (Beat, Duration) {
        let beat = pacemaker.beat().await;
        (beat, start.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_client_that_never_answers_is_pinged_once_after_a_period_then_closed() {
        let start = Instant::now();
        let mut p = pacemaker();
        assert_eq!(next(&mut p, start).await, (Beat::Ping, PERIOD), "the first ping a whole period after the welcome");
        assert_eq!(next(&mut p, start).await, (Beat::Quiet, PERIOD * 2));
        assert_eq!(next(&mut p, start).await, (Beat::Gone, PERIOD * 3), "two periods unanswered");
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_client_that_answers_is_pinged_every_period_and_kept() {
        let start = Instant::now();
        let mut p = pacemaker();
        for k in 1..=20 {
            assert_eq!(next(&mut p, start).await, (Beat::Ping, PERIOD * k), "tick {k}");
            tokio::time::sleep(Duration::from_millis(50)).await; // the pong's round trip
            p.heard();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_sent_events_every_period_is_never_pinged() {
        let start = Instant::now();
        let mut p = pacemaker();
        for k in 1..=10 {
            tokio::time::sleep(Duration::from_secs(4)).await; // a ball, a few times a period
            p.wrote();
            assert_eq!(next(&mut p, start).await, (Beat::Quiet, PERIOD * k), "tick {k}");
        }
        // The game pauses: a period with nothing sent brings the pings back.
        assert_eq!(next(&mut p, start).await, (Beat::Ping, PERIOD * 11));
    }

    #[tokio::test(start_paused = true)]
    async fn events_sent_do_not_excuse_an_unanswered_ping() {
        let start = Instant::now();
        let mut p = pacemaker();
        assert_eq!(next(&mut p, start).await.0, Beat::Ping);
        p.wrote();
        assert_eq!(next(&mut p, start).await.0, Beat::Quiet);
        p.wrote();
        assert_eq!(next(&mut p, start).await, (Beat::Gone, PERIOD * 3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_session_held_up_past_several_ticks_gets_one_late_tick_not_a_burst() {
        let start = Instant::now();
        let mut p = pacemaker();
        tokio::time::sleep(PERIOD * 3 + Duration::from_secs(1)).await; // busy writing a replay
        p.heard();
        assert_eq!(next(&mut p, start).await, (Beat::Ping, PERIOD * 3 + Duration::from_secs(1)));
        p.heard();
        assert_eq!(
            next(&mut p, start).await,
            (Beat::Ping, PERIOD * 4 + Duration::from_secs(1)),
            "ticks resume a period later"
        );
    }
}
