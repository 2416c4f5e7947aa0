//! The part of an interceptor wrapper that only hands on to the interceptor it wraps (its `inner` field):
//! events, timers and closing, with `except_poll_write` the packets but what goes out, and with `all`
//! everything. A wrapper spells only what it changes.

macro_rules! delegate_protocol {
    (all) => {
        delegate_protocol!(except_poll_write);

        fn poll_write(&mut self) -> Option<TaggedPacket> {
            self.inner.poll_write()
        }
    };
    (except_poll_write) => {
        delegate_protocol!(except_packets);

        fn handle_read(&mut self, msg: TaggedPacket) -> Result<(), Error> {
            self.inner.handle_read(msg)
        }

        fn poll_read(&mut self) -> Option<TaggedPacket> {
            self.inner.poll_read()
        }

        fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Error> {
            self.inner.handle_write(msg)
        }
    };
    (except_packets) => {
        type Rout = TaggedPacket;
        type Wout = TaggedPacket;
        type Eout = ();
        type Error = Error;
        type Time = Instant;

        fn handle_event(&mut self, event: ()) -> Result<(), Error> {
            self.inner.handle_event(event)
        }

        fn poll_event(&mut self) -> Option<()> {
            self.inner.poll_event()
        }

        fn handle_timeout(&mut self, now: Instant) -> Result<(), Error> {
            self.inner.handle_timeout(now)
        }

        fn poll_timeout(&mut self) -> Option<Instant> {
            self.inner.poll_timeout()
        }

        fn close(&mut self) -> Result<(), Error> {
            self.inner.close()
        }
    };
}

pub(crate) use delegate_protocol;
