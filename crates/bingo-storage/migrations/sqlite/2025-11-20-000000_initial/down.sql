DROP TABLE leases;
DROP TABLE sessions;
DROP TABLE admin;
DROP TABLE daubs;
DROP TABLE cards;
DROP TABLE players;
DROP TABLE events;
DROP TABLE games;
