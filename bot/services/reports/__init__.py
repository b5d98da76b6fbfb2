"""The annual report pack (jaarrapportage): a covenant's figures for one cycle, for its secretariat or the public."""
