"""RabbitMQ via kombu: one durable direct exchange and queue named "fractals"
(as faafo), persistent JSON messages carrying the fractal's parameters."""
import logging
import threading

import kombu

log = logging.getLogger("fractals.queue")

EXCHANGE = kombu.Exchange("fractals", type="direct", durable=True)
QUEUE = kombu.Queue("fractals", exchange=EXCHANGE, routing_key="fractals", durable=True)


def connection(url, **kw):
    # heartbeat=0: a worker renders for a while without reading the socket;
    # py-amqp's TCP keepalive detects a dead broker instead.
    return kombu.Connection(url, heartbeat=0, connect_timeout=5,
                            transport_options={"confirm_publish": True}, **kw)


class Publisher:
    """One connection shared by the API's threads (kombu connections are not
    thread-safe, hence the lock), reopened after a failure."""

    def __init__(self, url):
        self.url = url
        self.lock = threading.Lock()
        self.conn = None

    def close(self):
        if self.conn is not None:
            try:
                self.conn.release()
            except Exception:
                pass
            self.conn = None

    def publish(self, task):
        with self.lock:
            for attempt in (1, 2):
                try:
                    if self.conn is None:
                        self.conn = connection(self.url)
                        self.conn.ensure_connection(max_retries=1, interval_start=0.5, interval_step=0.5)
                    producer = kombu.Producer(self.conn.default_channel, exchange=EXCHANGE,
                                              routing_key="fractals", serializer="json")
                    producer.publish(task, declare=[QUEUE], delivery_mode=2, retry=False)
                    return
                except Exception as e:
                    self.close()
                    if attempt == 2:
                        raise
                    log.warning("publish failed (%s), reconnecting", e)
