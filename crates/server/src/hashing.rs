//! Password hashing on a few dedicated threads, one per core. Argon2 takes tens of milliseconds and 19 MiB
//! per hash: a burst of sign-ins queues here for the cores instead of spreading over tokio's blocking pool
//! (up to 512 threads), so CPU and memory in use stay at one hash per core.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use crate::ServerError;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Debug)]
pub struct HashPool {
    jobs: Mutex<Sender<Job>>,
}

impl HashPool {
    /// Starts one worker per core. Workers end when the pool is dropped.
    pub fn new() -> Result<Self, ServerError> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        for index in 0..workers {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("password-hash-{index}"))
                .spawn(move || work(&queue))
                .map_err(ServerError::io("starting the password hashing threads"))?;
        }
        Ok(Self { jobs: Mutex::new(jobs) })
    }

    /// Runs `work` on a hashing thread and waits for its result without blocking the async threads.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ServerError> {
        let (result, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = result.send(work());
        });
        // A poisoned lock only means a sender panicked mid-send; the Sender itself is intact.
        let sent = self.jobs.lock().unwrap_or_else(PoisonError::into_inner).send(job);
        sent.map_err(|_| ServerError::Hashing("the hashing threads have stopped".into()))?;
        answer.await.map_err(|_| ServerError::Hashing("a hashing thread dropped its job".into()))
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while taking a job, never while hashing.
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}
