-- Migration 10: the last TOTP time step each user signed in with, so that a code works once (ASVS 2.8.4).
ALTER TABLE staff_user ADD COLUMN totp_last_step INTEGER;
