//! The glossary: every Kafka term the app shows, explained in a sentence or two in English and
//! Brazilian Portuguese, with the configs involved and the lesson that shows it. The diagram's
//! and the panel's tooltips come from here, and the Lessons panel lists it. One place, so a
//! term is explained the same way wherever it appears.
//!
//! The tooltips are written deep inside the diagram's markup, so they read the language from
//! [`set_language`] (the App sets it as it renders) rather than from a parameter threaded
//! through every drawing function.

use std::cell::Cell;

use crate::i18n::Lang;

/// One term.
pub struct Term {
    /// As the app shows it (Kafka's own word, never translated).
    pub term: &'static str,
    pub en: &'static str,
    pub pt_br: &'static str,
    /// The configs that set it, as Kafka names them.
    pub configs: &'static [&'static str],
    /// The id of the lesson that shows it.
    pub lesson: &'static str,
}

const fn t(
    term: &'static str,
    en: &'static str,
    pt_br: &'static str,
    configs: &'static [&'static str],
    lesson: &'static str,
) -> Term {
    Term {
        term,
        en,
        pt_br,
        configs,
        lesson,
    }
}

/// The terms, in the order a learner meets them.
pub const TERMS: &[Term] = &[
    t("event", "Something that happened (an order placed, a payment made), written once to Kafka; every service that cares reads it, at its own pace.", "Algo que aconteceu (um pedido feito, um pagamento realizado), gravado uma vez no Kafka; cada serviço interessado o lê no seu próprio ritmo.", &[], "events-and-decoupling"),
    t("record", "One event: a key, a value, headers and a timestamp, appended to a partition at the next offset.", "Um evento: uma chave, um valor, headers e um timestamp, anexado a uma partição no próximo offset.", &[], "topic-is-a-log"),
    t("topic", "A named stream of records, split into partitions. Reading does not remove records: every group reads all of them.", "Um fluxo de registros com nome, dividido em partições. Ler não remove registros: cada grupo lê todos eles.", &["num.partitions", "default.replication.factor"], "topic-is-a-log"),
    t("key", "Decides the partition (murmur2 of the key, modulo the partition count), so records with the same key stay in order on one partition. A null key is spread over partitions.", "Decide a partição (murmur2 da chave, módulo o número de partições), então registros com a mesma chave ficam em ordem numa partição. Uma chave nula é espalhada pelas partições.", &["partitioner.class"], "keys-and-order"),
    t("offset", "A record's position in its partition's log: 0, 1, 2, ... never renumbered; retention only moves the log start forward.", "A posição de um registro no log da sua partição: 0, 1, 2, ... nunca renumerada; a retenção só avança o início do log.", &[], "topic-is-a-log"),
    t("partition", "An ordered, append-only log; a topic is split into partitions so that brokers and consumers can share the work.", "Um log ordenado, só de acréscimo; um tópico é dividido em partições para que brokers e consumidores dividam o trabalho.", &["num.partitions"], "partitions"),
    t("log start", "The oldest offset still in the log: retention deletes older segments and moves it forward.", "O offset mais antigo ainda no log: a retenção apaga segmentos mais velhos e o avança.", &["retention.ms", "retention.bytes"], "retention-and-reprocessing"),
    t("LEO", "Log end offset: the offset the next record will take on this replica.", "Log end offset: o offset que o próximo registro terá nesta réplica.", &[], "replication"),
    t("HW", "High watermark: every record below it is on every in-sync replica. Consumers read only below it; acks=all producers are answered once it passes their record.", "High watermark: todo registro abaixo dele está em todas as réplicas em sincronia. Consumidores só leem abaixo dele; produtores com acks=all recebem resposta quando ele passa do seu registro.", &[], "replication"),
    t("broker", "A Kafka server: it holds replicas of partitions, leads some of them, and answers producers and consumers.", "Um servidor Kafka: guarda réplicas de partições, lidera algumas delas e atende produtores e consumidores.", &["broker.id", "node.id"], "replication"),
    t("replication factor", "How many brokers hold a copy of each partition: with 3, two brokers can fail without losing committed records.", "Quantos brokers guardam uma cópia de cada partição: com 3, dois brokers podem falhar sem perder registros commitados.", &["default.replication.factor"], "replication"),
    t("leader", "The one replica of a partition that takes produce requests and serves consumers; the followers copy from it.", "A única réplica de uma partição que recebe os envios e atende os consumidores; as seguidoras copiam dela.", &[], "replication"),
    t("follower", "A replica that copies the leader's log by fetching from it, ready to take over.", "Uma réplica que copia o log do líder buscando dele, pronta para assumir.", &["replica.fetch.wait.max.ms"], "replication"),
    t("ISR", "In-sync replicas: the leader and the followers caught up within replica.lag.time.max.ms. Only they may become leader (unless unclean.leader.election.enable=true).", "Réplicas em sincronia: o líder e as seguidoras em dia dentro de replica.lag.time.max.ms. Só elas podem virar líder (a menos que unclean.leader.election.enable=true).", &["replica.lag.time.max.ms", "unclean.leader.election.enable"], "replication"),
    t("min.insync.replicas", "With acks=all, a produce is refused with NotEnoughReplicasException while the ISR has fewer replicas than this.", "Com acks=all, um envio é recusado com NotEnoughReplicasException enquanto o ISR tiver menos réplicas que isso.", &["min.insync.replicas"], "acks-and-min-insync-replicas"),
    t("epoch", "Leader epoch: a number raised at every leader change. Replicas use it to find and cut records a new leader never had.", "Época do líder: um número que sobe a cada troca de líder. As réplicas o usam para achar e cortar registros que um novo líder nunca teve.", &[], "broker-failure"),
    t("controller", "The KRaft controller keeps the cluster's metadata: which brokers are alive (by their heartbeats), who leads each partition, and each ISR. Kafka 4 has no ZooKeeper: the controllers keep the metadata in a Raft log of their own.", "O controller KRaft guarda os metadados do cluster: quais brokers estão vivos (pelos heartbeats), quem lidera cada partição e cada ISR. O Kafka 4 não tem ZooKeeper: os controllers guardam os metadados num log Raft próprio.", &["process.roles", "controller.quorum.voters"], "broker-failure"),
    t("fenced", "A broker the controller stopped hearing from for broker.session.timeout.ms: it may not lead or count in an ISR until it heartbeats again.", "Um broker de quem o controller parou de ouvir por broker.session.timeout.ms: não pode liderar nem contar num ISR até mandar heartbeat de novo.", &["broker.session.timeout.ms", "broker.heartbeat.interval.ms"], "broker-failure"),
    t("unclean leader election", "Electing a replica outside the ISR when no ISR replica is left: the partition is available again, but records only the lost replicas had are gone.", "Eleger uma réplica fora do ISR quando não sobra nenhuma do ISR: a partição volta a ficar disponível, mas os registros que só as réplicas perdidas tinham somem.", &["unclean.leader.election.enable"], "unclean-leader-election"),
    t("acks", "How many replicas must have a record before the producer is answered: 0 (none), 1 (the leader) or all (the whole ISR).", "Quantas réplicas precisam ter um registro antes de o produtor receber resposta: 0 (nenhuma), 1 (o líder) ou all (todo o ISR).", &["acks", "enable.idempotence"], "acks-and-min-insync-replicas"),
    t("consumer group", "Consumers sharing a group.id share the partitions: each partition is read by one member of the group; every group reads everything.", "Consumidores com o mesmo group.id dividem as partições: cada partição é lida por um membro do grupo; cada grupo lê tudo.", &["group.id", "partition.assignment.strategy"], "consumer-groups"),
    t("coordinator", "The broker leading the group's partition of __consumer_offsets: it runs the group's membership and stores its committed offsets.", "O broker que lidera a partição do grupo em __consumer_offsets: ele cuida dos membros do grupo e guarda seus offsets commitados.", &["offsets.topic.replication.factor"], "consumer-groups"),
    t("generation", "The number of the group's current assignment: every rebalance starts a new generation.", "O número da atribuição atual do grupo: cada rebalanceamento começa uma nova geração.", &[], "consumer-groups"),
    t("PreparingRebalance", "The group stopped handing out work and waits for every member to rejoin (JoinGroup).", "O grupo parou de distribuir trabalho e espera todos os membros entrarem de novo (JoinGroup).", &["max.poll.interval.ms"], "consumer-failure"),
    t("CompletingRebalance", "Every member rejoined; the group waits for the leader's assignment (SyncGroup).", "Todos os membros voltaram; o grupo espera a atribuição do líder do grupo (SyncGroup).", &[], "consumer-failure"),
    t("Stable", "Every member has its partitions for this generation and is reading.", "Cada membro tem suas partições nesta geração e está lendo.", &[], "consumer-groups"),
    t("Empty", "The group has no members; its committed offsets stay.", "O grupo não tem membros; seus offsets commitados continuam guardados.", &["offsets.retention.minutes"], "events-and-decoupling"),
    t("committed offset", "The next offset the group will read, stored in __consumer_offsets: after a restart or a rebalance reading resumes from here.", "O próximo offset que o grupo vai ler, guardado em __consumer_offsets: depois de um reinício ou rebalanceamento a leitura continua daqui.", &["enable.auto.commit", "auto.commit.interval.ms"], "consumer-failure"),
    t("position", "The next offset a consumer will hand to its application; committed later (auto-commit every 5 s).", "O próximo offset que um consumidor vai entregar à sua aplicação; commitado depois (auto-commit a cada 5 s).", &["auto.offset.reset"], "consumer-failure"),
    t("lag", "How far a group is behind: the high watermark minus its committed offset, in records.", "O quanto um grupo está atrasado: o high watermark menos seu offset commitado, em registros.", &[], "events-and-decoupling"),
    t("idle", "A member of a Stable group that got no partition: the group has more members than partitions.", "Um membro de um grupo Stable que não recebeu partição: o grupo tem mais membros que partições.", &[], "consumer-groups"),
    t("LeaveGroup", "A consumer that closes commits its offsets, then tells the coordinator it leaves: its group rebalances at once, with no session timeout to wait for.", "Um consumidor que fecha commita seus offsets e depois avisa o coordenador que sai: o grupo rebalanceia na hora, sem esperar o session timeout.", &[], "consumer-failure"),
    t("rebalancing", "The member's group is handing out partitions again: nobody in it reads until it is Stable.", "O grupo do membro está redistribuindo partições: ninguém nele lê até ficar Stable.", &[], "consumer-failure"),
    t("session.timeout.ms", "A member that sends no heartbeat for this long (45 s) is removed from its group, and its partitions move.", "Um membro que não manda heartbeat por esse tempo (45 s) é removido do grupo, e suas partições mudam de dono.", &["session.timeout.ms", "heartbeat.interval.ms"], "consumer-failure"),
    t("retention", "How long (or how much) a topic keeps records, read or not: older segments are deleted, so a group reset to the earliest offset reads from the log start.", "Por quanto tempo (ou quanto) um tópico guarda registros, lidos ou não: segmentos mais velhos são apagados, então um grupo voltado ao offset mais antigo lê a partir do início do log.", &["retention.ms", "retention.bytes", "segment.ms"], "retention-and-reprocessing"),
    t("compaction", "A compacted topic keeps at least the latest record of each key; a null value (a tombstone) deletes the key.", "Um tópico compactado guarda pelo menos o registro mais recente de cada chave; um valor nulo (tombstone) apaga a chave.", &["cleanup.policy", "min.cleanable.dirty.ratio", "delete.retention.ms"], "compaction"),
    t("Kafka Connect", "Moves data between Kafka and other systems: a source connector writes a database's rows into a topic, a sink connector (a consumer group named connect-<name>) writes a topic into another store.", "Move dados entre o Kafka e outros sistemas: um conector source grava as linhas de um banco num tópico, um conector sink (um grupo de consumidores chamado connect-<nome>) grava um tópico em outro armazenamento.", &["tasks.max", "connector.class", "offset.flush.interval.ms"], "rest-proxy-and-connect"),
    t("REST proxy", "Lets a client that only speaks HTTP produce and consume: the proxy is the Kafka producer on its behalf.", "Permite que um cliente que só fala HTTP produza e consuma: o proxy é o produtor Kafka em nome dele.", &[], "rest-proxy-and-connect"),
];

thread_local! {
    static LANGUAGE: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The language the tooltips are written in from now on.
pub fn set_language(lang: Lang) {
    LANGUAGE.with(|l| l.set(lang));
}

/// The entry of `term`, if the app explains it.
pub fn entry(term: &str) -> Option<&'static Term> {
    TERMS.iter().find(|t| t.term.eq_ignore_ascii_case(term))
}

/// The sentence for `term` in `lang`, if it is one the app explains.
pub fn explain(lang: Lang, term: &str) -> Option<&'static str> {
    entry(term).map(|t| match lang {
        Lang::En => t.en,
        Lang::PtBr => t.pt_br,
    })
}

/// `term: explanation`, for a tooltip, in the language set last.
pub fn tooltip(term: &str) -> String {
    match explain(LANGUAGE.with(Cell::get), term) {
        Some(text) => format!("{term}: {text}"),
        None => term.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_the_app_shows_is_explained_once_in_both_languages() {
        // Every term a tooltip or a panel's term() names (found in the source).
        let mut shown = std::collections::BTreeSet::new();
        fn scan(dir: &std::path::Path, out: &mut std::collections::BTreeSet<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    scan(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, _) in text.match_indices("tooltip(\"") {
                        let rest = &text[i + 9..];
                        out.insert(rest[..rest.find('"').unwrap()].to_string());
                    }
                    // term("label", "term")
                    for (i, _) in text.match_indices("term(\"") {
                        let rest = &text[i + 6..];
                        let after_label = &rest[rest.find('"').unwrap() + 1..];
                        if let Some(open) = after_label.strip_prefix(", \"") {
                            out.insert(open[..open.find('"').unwrap()].to_string());
                        }
                    }
                }
            }
        }
        scan(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut shown,
        );
        shown.remove("term"); // this test's own text
        assert!(shown.len() >= 15, "{shown:?}");
        for term in &shown {
            assert!(entry(term).is_some(), "no glossary entry for {term}");
        }
        let mut names: Vec<&str> = TERMS.iter().map(|t| t.term).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TERMS.len(), "one entry per term");
        for t in TERMS {
            assert!(
                !t.en.is_empty() && !t.pt_br.is_empty() && t.en != t.pt_br,
                "{}",
                t.term
            );
        }
        assert!(tooltip("HW").starts_with("HW: High watermark"));
    }

    #[test]
    fn every_term_links_to_a_lesson_that_exists() {
        let index = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/index.json"),
        )
        .unwrap();
        let ids: Vec<String> = kafka_sim::lesson::parse_index(&index)
            .unwrap()
            .lessons
            .into_iter()
            .map(|e| e.id)
            .collect();
        for t in TERMS {
            assert!(
                ids.iter().any(|id| id == t.lesson),
                "{} -> {}",
                t.term,
                t.lesson
            );
        }
    }

    #[test]
    fn tooltips_follow_the_language_set() {
        set_language(Lang::PtBr);
        assert!(tooltip("lag").starts_with("lag: O quanto"));
        set_language(Lang::En);
        assert!(tooltip("lag").starts_with("lag: How far"));
    }
}
