//! The bus between nodes over Redis Pub/Sub. Publishing goes through a connection pool; one
//! background task per process holds the subscription, reconnects with backoff, and tells local
//! subscribers to resync after every reconnect (Pub/Sub drops what a disconnected subscriber missed).

use super::{BusError, BusMessage, Subscription, FANOUT_CAPACITY};
use deadpool_redis::{Config, Pool, Runtime};
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::broadcast;

#[derive(Clone)]
pub struct RedisBus {
    pool: Pool,
    channel: String,
    tx: broadcast::Sender<BusMessage>,
}

const MAX_BACKOFF: Duration = Duration::from_secs(5);

impl RedisBus {
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, BusError> {
        let client = redis::Client::open(url).map_err(|e| BusError::BadUrl(e.to_string()))?;
        let pool =
            Config::from_url(url).create_pool(Some(Runtime::Tokio1)).map_err(|e| BusError::BadUrl(e.to_string()))?;
        let channel = format!("{prefix}:events");
        let (tx, _) = broadcast::channel(FANOUT_CAPACITY);
        let bus = RedisBus { pool, channel: channel.clone(), tx: tx.clone() };
        bus.ping().await?;
        // Subscribe before returning, so nothing published after `connect` is missed.
        let pubsub = subscribe(&client, &channel).await?;
        tokio::spawn(listen(client, channel, tx, pubsub));
        Ok(bus)
    }

    pub async fn publish(&self, message: &BusMessage) -> Result<(), BusError> {
        let body = serde_json::to_string(message)?;
        let mut conn = self.pool.get().await.map_err(|e| BusError::Unavailable(e.to_string()))?;
        redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(body)
            .query_async::<i64>(&mut conn)
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        Ok(())
    }

    pub fn subscribe(&self) -> Subscription {
        Subscription { rx: self.tx.subscribe() }
    }

    pub async fn ping(&self) -> Result<(), BusError> {
        let mut conn = self.pool.get().await.map_err(|e| BusError::Unavailable(e.to_string()))?;
        redis::cmd("PING").query_async::<String>(&mut conn).await.map_err(|e| BusError::Unavailable(e.to_string()))?;
        Ok(())
    }
}

async fn subscribe(client: &redis::Client, channel: &str) -> Result<redis::aio::PubSub, BusError> {
    let mut pubsub = client.get_async_pubsub().await.map_err(|e| BusError::Unavailable(e.to_string()))?;
    pubsub.subscribe(channel).await.map_err(|e| BusError::Unavailable(e.to_string()))?;
    Ok(pubsub)
}

/// Forwards messages to local subscribers for as long as any exist; reconnects when Redis goes.
async fn listen(client: redis::Client, channel: String, tx: broadcast::Sender<BusMessage>, first: redis::aio::PubSub) {
    let mut pubsub = Some(first);
    let mut backoff = Duration::from_millis(100);
    loop {
        let Some(mut current) = pubsub.take() else {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            match subscribe(&client, &channel).await {
                Ok(p) => {
                    tracing::info!(channel, "bus: resubscribed to Redis");
                    backoff = Duration::from_millis(100);
                    pubsub = Some(p);
                    let _ = tx.send(BusMessage::Resync);
                }
                Err(e) => tracing::warn!(error = %e, "bus: Redis still unreachable"),
            }
            continue;
        };
        {
            let mut stream = current.on_message();
            while let Some(msg) = stream.next().await {
                let Ok(body) = msg.get_payload::<String>() else { continue };
                match serde_json::from_str::<BusMessage>(&body) {
                    Ok(message) => {
                        let _ = tx.send(message);
                    }
                    Err(e) => tracing::warn!(error = %e, "bus: ignored a message that is not a bus message"),
                }
            }
        }
        tracing::warn!(channel, "bus: lost the Redis subscription; reconnecting");
        let _ = tx.send(BusMessage::Resync);
    }
}
