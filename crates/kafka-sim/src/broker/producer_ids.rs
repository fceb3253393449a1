//! InitProducerId for idempotent producers (`TransactionCoordinator.handleInitProducerId`
//! without a transactional id: always a fresh producer id, epoch 0), answered from the block
//! of ids this broker got from the controller (`RPCProducerIdManager`: a new block of 1000
//! by `AllocateProducerIds` when the current one is used up; a restart starts without one).

use super::Broker;
use crate::controller::PRODUCER_ID_BLOCK_SIZE;
use crate::ctx::Ctx;
use crate::message::Message;
use crate::network::NodeId;

impl Broker {
    pub(super) fn handle_init_producer_id(
        &mut self,
        client: NodeId,
        request_id: u64,
        ctx: &mut Ctx,
    ) {
        self.pid_waiters.push((client, request_id));
        self.answer_pid_waiters(ctx);
    }

    pub(super) fn on_producer_id_block(&mut self, request_id: u64, first: u64, ctx: &mut Ctx) {
        if self.pid_allocation != Some(request_id) {
            return;
        }
        self.pid_allocation = None;
        self.producer_ids = Some((first, first + PRODUCER_ID_BLOCK_SIZE));
        self.answer_pid_waiters(ctx);
    }

    /// A producer id for a transactional id now, if this broker's block has one left (else
    /// a new block is asked for and the caller answers a retriable error).
    pub(super) fn take_producer_id(&mut self, ctx: &mut Ctx) -> Option<u64> {
        match &mut self.producer_ids {
            Some((next, end)) if *next < *end => {
                *next += 1;
                Some(*next - 1)
            }
            _ => {
                self.allocate_ids(ctx);
                None
            }
        }
    }

    fn allocate_ids(&mut self, ctx: &mut Ctx) {
        if self.pid_allocation.is_none() {
            let request_id = ctx.id();
            self.pid_allocation = Some(request_id);
            ctx.send(
                self.node(),
                NodeId::Controller,
                Message::AllocateProducerIds { request_id },
            );
        }
    }

    fn answer_pid_waiters(&mut self, ctx: &mut Ctx) {
        while !self.pid_waiters.is_empty() {
            match &mut self.producer_ids {
                Some((next, end)) if *next < *end => {
                    let id = *next;
                    *next += 1;
                    let (client, request_id) = self.pid_waiters.remove(0);
                    ctx.send(
                        self.node(),
                        client,
                        Message::InitProducerIdResponse {
                            request_id,
                            result: Ok((id, 0)),
                        },
                    );
                }
                _ => {
                    self.allocate_ids(ctx);
                    return;
                }
            }
        }
    }
}
