//! The `transaction` command: a new transactional producer instance of a `transactional.id`
//! sends its records in one transaction and commits or aborts it (`initTransactions`,
//! `beginTransaction`, `send`..., `commitTransaction`/`abortTransaction`). A second instance
//! of the same id fences the first, as a restarted application would.

use crate::apply::ctx;
use crate::command::{Outcome, TxnOutcome, TxnRecord};
use crate::ctx::{Ctx, Outbox};
use crate::engine::Engine;
use crate::error::{ErrorKind, KafkaError};
use crate::event::Event;
use crate::ids::ClientId;
use crate::message::Acks;
use crate::partitioner::PartitionerKind;
use crate::producer::{NewRecord, Producer, TxnClient};
use std::sync::Arc;

impl Engine {
    pub(crate) fn transaction(
        &mut self,
        transactional_id: &str,
        records: Vec<TxnRecord>,
        outcome: TxnOutcome,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        if transactional_id.is_empty() {
            return Err(KafkaError::new(
                ErrorKind::IllegalArgumentException,
                "transactional_id must not be empty.",
            ));
        }
        let mut checked = Vec::with_capacity(records.len());
        for r in records {
            let mut record = NewRecord {
                topic: Arc::from(r.topic.as_str()),
                key: r.key,
                value: r.value,
                headers: Vec::new(),
                partition: None,
            };
            self.check_record(&mut record, r.partition)?;
            checked.push(record);
        }
        // A new instance: an older one of the same id (if any) runs on until fenced.
        let id = ClientId(self.next_client);
        self.next_client += 1;
        let bootstrap = self.brokers.keys().copied().collect();
        let name: Arc<str> = Arc::from(transactional_id);
        let mut p = Producer::new(
            id,
            name.clone(),
            Acks::All,
            PartitionerKind::Default,
            bootstrap,
        );
        p.idempotent = true;
        let commit = outcome == TxnOutcome::Commit;
        p.txn = Some(Box::new(TxnClient::new(name, commit)));
        self.producers.insert(id, p);
        self.producer_names.insert(transactional_id.to_string(), id);
        let mut ctx = ctx!(self, out);
        let p = self.producers.get_mut(&id).expect("just inserted");
        for r in checked {
            p.send(r, None, &mut ctx);
        }
        Ok(Outcome::Done)
    }

    /// `stop_producer` of a transactional producer still in its transaction: it dies.
    pub(crate) fn kill_transactional(&mut self, id: &str, out: &mut Outbox) -> bool {
        let Some(p) = self
            .producer_names
            .get(id)
            .and_then(|c| self.producers.get_mut(c))
            .filter(|p| p.txn.is_some() && !p.txn_finished())
        else {
            return false;
        };
        p.kill_transactional();
        out.events.push(Event::ProducerStopped {
            producer: Arc::from(id),
        });
        true
    }
}
