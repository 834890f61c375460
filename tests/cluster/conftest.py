"""Cluster fixtures: real Redis (and, through the store suite, PostgreSQL) on free ports."""

import pytest

from harness.services import RedisServer
from tests.cluster.test_cluster import Cluster


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server):
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    return client


@pytest.fixture
def cluster(tmp_path, postgres_cluster, redis_server, redis_client):
    dsn = postgres_cluster.create_database()
    running = Cluster(tmp_path, dsn, redis_server.url).start()
    yield running
    running.stop()
