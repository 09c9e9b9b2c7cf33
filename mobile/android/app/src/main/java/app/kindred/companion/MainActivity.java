package app.kindred.companion;

import com.getcapacitor.BridgeActivity;

public class MainActivity extends BridgeActivity {}
