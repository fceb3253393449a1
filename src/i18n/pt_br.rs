//! Brazilian Portuguese for every English string of the app, sorted by the English (the
//! lookup is a binary search; a test checks the order). Kafka's own names stay as they are.
//! Regenerated in order by any tool; edit freely, keeping one entry a line.

/// (English, Portuguese).
pub const PT_BR: &[(&str, &str)] = &[
    ("Cluster view", "Visão do cluster"),
    ("Kill broker {}", "Derrubar broker {}"),
    ("Language", "Idioma"),
    ("Lessons", "Lições"),
    ("Pause", "Pausar"),
    ("Picture", "Imagem"),
    ("Play", "Reproduzir"),
    ("Producers, partitions as logs of offsets, consumer groups", "Produtores, partições como logs de offsets, grupos de consumidores"),
    ("Right arrow: process the next engine event", "Seta para a direita: processa o próximo evento do motor"),
    ("See and feel how Apache Kafka works", "Veja e sinta como o Apache Kafka funciona"),
    ("Simulated seconds per real second", "Segundos simulados por segundo real"),
    ("Simulation time", "Tempo da simulação"),
    ("Space", "Espaço"),
    ("Speed", "Velocidade"),
    ("Step", "Passo"),
    ("The controller and the brokers with their replicas", "O controller e os brokers com suas réplicas"),
    ("This machine cannot simulate faster: the clock runs at the speed it reaches, and the page stays responsive.", "Esta máquina não consegue simular mais rápido: o relógio anda na velocidade que alcança, e a página continua respondendo."),
    ("Time", "Tempo"),
    ("Topic view", "Visão do tópico"),
    ("running at {}x", "rodando a {}x"),
];

/// The Portuguese of `en`.
pub fn lookup(en: &str) -> Option<&'static str> {
    PT_BR
        .binary_search_by(|(k, _)| (*k).cmp(en))
        .ok()
        .map(|i| PT_BR[i].1)
}
