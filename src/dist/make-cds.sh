#!/usr/bin/env bash
# Placeholder: class data sharing archive generation (see README, Start-up).
exit 0
